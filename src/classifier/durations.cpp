#include "durations.hpp"

#include <cstdio>

namespace migsafe {

std::string duration_text(double seconds) {
    char buffer[64];
    if (seconds < 10) snprintf(buffer, sizeof buffer, "%.1f s", seconds);
    else if (seconds < 60) snprintf(buffer, sizeof buffer, "%.0f s", seconds);
    else if (seconds < 3600) snprintf(buffer, sizeof buffer, "%d min %d s", int(seconds / 60), int(seconds) % 60);
    else if (seconds < 86400) snprintf(buffer, sizeof buffer, "%d h %d min", int(seconds / 3600), int(seconds) / 60 % 60);
    else snprintf(buffer, sizeof buffer, "%d d %d h", int(seconds / 86400), int(seconds) / 3600 % 24);
    return buffer;
}

}  // namespace migsafe
