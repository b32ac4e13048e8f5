#pragma once
// Test helper: runs one awaitable to completion on a private io_context and returns its value.
//
//   Result<SubmitResult> r = RunAwait(io, service.Submit(draft));

#include <gtest/gtest.h>

#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace simpul::testing {

template <class T>
T RunAwait(boost::asio::io_context& io, boost::asio::awaitable<T> awaitable) {
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(awaitable), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result.emplace(std::move(value));
  });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  EXPECT_TRUE(result.has_value()) << "the awaitable never completed";
  return std::move(*result);
}

}  // namespace simpul::testing
