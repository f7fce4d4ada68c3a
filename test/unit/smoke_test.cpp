#include "cli/checker.hpp"

#include <gtest/gtest.h>

TEST(Smoke, DropTable) {
    auto r = migsafe::cli::check_input("/dev/null", {});
    EXPECT_TRUE(r.findings.empty());
}
