// Loads a Scenario from a TOML file (--scenario FILE). Format: docs/simulator.md.
#pragma once

#include <string>
#include <string_view>

#include "sim/scenario.h"

namespace uclink::sim {

/// Overlays the settings of TOML `text` onto `scenario`. Throws std::runtime_error with a
/// message naming the offending key (config loading is one of the places exceptions are used).
void ApplyScenarioToml(std::string_view text, Scenario& scenario);

/// Reads `path` and applies it as above.
void LoadScenarioFile(const std::string& path, Scenario& scenario);

}  // namespace uclink::sim
