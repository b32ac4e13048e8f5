// Boost.URL is used header-only: its implementation is compiled once, here.
#include <boost/url/src.hpp>
