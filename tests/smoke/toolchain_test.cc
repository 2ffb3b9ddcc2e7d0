#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <netlink/route/link.h>
TEST(Smoke, Asio) { boost::asio::io_context io; int n = 0; boost::asio::post(io, [&]{ n = 1; }); io.run(); EXPECT_EQ(n, 1); auto t = toml::parse("a = 1"); EXPECT_EQ(t["a"].value<int>(), 1); auto s = rtnl_link_alloc(); rtnl_link_put(s);}
// x
// y
// z
