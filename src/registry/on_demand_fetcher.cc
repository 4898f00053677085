#include "registry/on_demand_fetcher.h"

namespace pkgstats::registry {

namespace {

PackumentSourceOptions source_options(const OnDemandOptions& o) {
  PackumentSourceOptions s;
  s.timeout = o.timeout;
  s.body_attempts = 1;  // a page cannot wait for a second round trip
  return s;
}

}  // namespace

OnDemandFetcher::OnDemandFetcher(HttpFetcher& fetcher, std::string db_path, OnDemandOptions options)
    : fetcher_(fetcher), db_path_(std::move(db_path)), options_(std::move(options)),
      source_(fetcher_, options_.registry_url, nullptr, source_options(options_)) {}

Result<Package> OnDemandFetcher::fetch(const std::string& name) {
  std::promise<Result<Package>> promise;
  std::shared_future<Result<Package>> flight;
  bool leader = false;
  {
    std::lock_guard lock(flights_mutex_);
    auto it = flights_.find(name);
    if (it != flights_.end()) {
      flight = it->second;
    } else {
      flight = promise.get_future().share();
      flights_.emplace(name, flight);
      leader = true;
    }
  }
  if (!leader) return flight.get();
  Result<Package> result = fetch_and_store(name);
  {
    std::lock_guard lock(flights_mutex_);
    flights_.erase(name);
  }
  promise.set_value(result);
  return result;
}

Result<Package> OnDemandFetcher::fetch_and_store(const std::string& name) {
  if (!is_acceptable_package_name(name)) return Status::invalid("not a package name: " + name);
  upstream_requests_++;
  auto fetched = source_.fetch(name);
  if (!fetched.ok()) {
    const Status& s = fetched.status();
    if (s.code() == ErrorCode::kUnavailable) {
      return Status::unavailable("upstream registry unavailable: " + s.message());
    }
    return s;
  }
  std::lock_guard lock(store_mutex_);
  if (!store_) {
    auto opened = store::Store::open(db_path_, store::OpenMode::kReadWrite);
    if (!opened.ok()) return opened.status();
    store_ = std::move(opened).value();
  }
  auto txn = store_->begin_write();
  if (!txn.ok()) return txn.status();
  if (fetched->outcome == FetchOutcome::kGone) {
    if (auto w = (*txn)->mark_unpublished(name, clock_.now()); !w.ok()) return w.status();
    if (auto s = (*txn)->commit(); !s) return s;
    return Status::not_found(name + " is not on the upstream registry");
  }
  if (auto w = (*txn)->put_package(fetched->package, fetched->content_hash); !w.ok()) return w.status();
  if (auto s = (*txn)->commit(); !s) return s;
  if (fetched->package.unpublished) return Status::not_found(name + " was unpublished upstream");
  auto stored = store_->get_package(name);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Status::internal(name + " vanished after being stored");
  return std::move(**stored);
}

}  // namespace pkgstats::registry
