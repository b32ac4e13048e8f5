#pragma once
// Checks on citizen-supplied text.

#include <string_view>

namespace simpul::domain {

// True if `text` is well-formed UTF-8: no overlong forms, no surrogates (U+D800–U+DFFF), nothing
// above U+10FFFF, no truncated sequences.
bool IsValidUtf8(std::string_view text);

// True if `text` is valid UTF-8 and holds no control character (U+0000–U+001F, U+007F,
// U+0080–U+009F) except the ASCII ones listed in `allowed_controls` (e.g. "\n\t"). NUL is never
// allowed.
bool IsCleanText(std::string_view text, std::string_view allowed_controls = {});

// True if `text` holds only ASCII spaces, tabs and line breaks (or is empty).
bool IsBlank(std::string_view text);

}  // namespace simpul::domain
