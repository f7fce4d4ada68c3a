// Durations as messages give them to people.
#pragma once

#include <string>

namespace migsafe {

// "0.4 s", "12 s", "3 min 5 s", "2 h 13 min", "3 d 4 h".
std::string duration_text(double seconds);

}  // namespace migsafe
