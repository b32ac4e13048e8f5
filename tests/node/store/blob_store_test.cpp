#include "node/store/blob_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "tests/support/temp_dir.hpp"

namespace simpul::store {
namespace {

using simpul::testing::ReadAll;
using simpul::testing::TempDir;

// Every regular file under `root`, temporary ones included.
int CountFiles(const std::filesystem::path& root) {
  int n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) ++n;
  }
  return n;
}

TEST(BlobStoreTest, PutThenGetRoundTrips) {
  TempDir dir;
  BlobStore blobs(dir.path() / "attachments");
  const std::string content("\x89PNG\r\n\x1a\n\0binary\xff", 16);
  auto hex = blobs.Put(content);
  ASSERT_TRUE(hex.has_value()) << hex.error().message;
  EXPECT_EQ(*hex, crypto::Sha256Hex(crypto::AsBytes(content)));
  const auto file = dir.path() / "attachments" / hex->substr(0, 2) / *hex;
  EXPECT_EQ(ReadAll(file), content);
  auto back = blobs.Get(*hex);
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, content);
}

TEST(BlobStoreTest, EqualContentIsStoredOnce) {
  TempDir dir;
  BlobStore blobs(dir.path());
  auto first = blobs.Put("sama persis");
  auto second = blobs.Put("sama persis");
  auto other = blobs.Put("berbeda");
  ASSERT_TRUE(first && second && other);
  EXPECT_EQ(*first, *second);
  EXPECT_NE(*first, *other);
  EXPECT_EQ(CountFiles(dir.path()), 2);  // no leftover temporary files either
}

TEST(BlobStoreTest, EmptyContentIsABlobToo) {
  TempDir dir;
  BlobStore blobs(dir.path());
  auto hex = blobs.Put("");
  ASSERT_TRUE(hex.has_value());
  auto back = blobs.Get(*hex);
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->empty());
}

TEST(BlobStoreTest, NamesThatAreNotSha256HexAreRejected) {
  TempDir dir;
  BlobStore blobs(dir.path() / "attachments");
  auto hex = blobs.Put("isi");
  ASSERT_TRUE(hex.has_value());
  std::string upper = *hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_NE(upper, *hex);  // the digest has letters
  for (const std::string& bad :
       {std::string("../etc/passwd"), std::string("../../") + hex->substr(6), upper, hex->substr(1),
        *hex + "0", std::string(64, 'g'), std::string()}) {
    auto r = blobs.Get(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(BlobStoreTest, AbsentBlobIsNotFound) {
  TempDir dir;
  BlobStore blobs(dir.path());
  auto r = blobs.Get(crypto::Sha256Hex(crypto::AsBytes("never stored")));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace simpul::store
