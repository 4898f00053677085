// Progress of long work (imports, syncs), reported by the core libraries and drawn by the
// front end (a bar on a terminal, plain lines otherwise). Implementations must be cheap:
// update() may be called for every item.
#pragma once

#include <cstddef>
#include <string>

namespace pkgstats {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // A new phase of work begins ("import react.json.gz"); total is in `unit`s, 0 if unknown.
  virtual void begin(const std::string& label, std::size_t total, const std::string& unit) = 0;
  // `done` units of the current phase are finished; `items` counts records handled.
  virtual void update(std::size_t done, std::size_t items) = 0;
  // The phase ended; `summary` is one line to keep on screen.
  virtual void end(const std::string& summary) = 0;
};

}  // namespace pkgstats
