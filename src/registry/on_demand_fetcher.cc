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
      source_(fetcher_, options_.registry_url, source_options(options_)) {}

Result<Package> OnDemandFetcher::fetch(const std::string& name) {
  if (!is_acceptable_package_name(name)) return Status::invalid("not a package name: " + name);
  if (auto failure = remembered_failure(name)) return *failure;
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
  if (!result.ok()) remember(name, result.status());
  {
    std::lock_guard lock(flights_mutex_);
    flights_.erase(name);
  }
  promise.set_value(result);
  return result;
}

std::optional<Status> OnDemandFetcher::remembered_failure(const std::string& name) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(failures_mutex_);
  if (now < upstream_down_until_) {
    return Status::unavailable("upstream registry unavailable (recently failed; not asked again yet)");
  }
  auto it = not_found_until_.find(name);
  if (it == not_found_until_.end()) return std::nullopt;
  if (now < it->second) return Status::not_found(name + " is not on the upstream registry");
  not_found_until_.erase(it);
  return std::nullopt;
}

void OnDemandFetcher::remember(const std::string& name, const Status& failure) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(failures_mutex_);
  if (failure.code() == ErrorCode::kUnavailable) {
    upstream_down_until_ = now + options_.unavailable_backoff;
  } else if (failure.code() == ErrorCode::kNotFound) {
    if (not_found_until_.size() >= limits::kOnDemandNotFoundEntries) {
      std::erase_if(not_found_until_, [&](const auto& entry) { return entry.second <= now; });
      if (not_found_until_.size() >= limits::kOnDemandNotFoundEntries) not_found_until_.clear();
    }
    not_found_until_[name] = now + options_.not_found_ttl;
  }
}

store::Store* OnDemandFetcher::writable_store() {
  if (!store_) {
    auto opened = store::Store::open(db_path_, store::OpenMode::kReadWrite);
    if (!opened.ok()) return nullptr;
    store_ = std::move(opened).value();
  }
  return store_.get();
}

Result<Package> OnDemandFetcher::fetch_and_store(const std::string& name) {
  std::string etag;  // revalidate what we hold, if anything
  {
    std::lock_guard lock(store_mutex_);
    store::Store* store = writable_store();
    if (!store) return Status::storage(db_path_ + ": cannot be opened for writing");
    auto held = store->fetch_state(name);
    if (!held.ok()) return held.status();
    if (held->has_value()) etag = (*held)->etag;
  }
  upstream_requests_++;
  auto fetched = source_.fetch(name, etag);
  if (!fetched.ok()) {
    const Status& s = fetched.status();
    if (s.code() == ErrorCode::kUnavailable) {
      return Status::unavailable("upstream registry unavailable: " + s.message());
    }
    return s;
  }
  std::lock_guard lock(store_mutex_);
  store::Store* store = writable_store();
  auto txn = store->begin_write();
  if (!txn.ok()) return txn.status();
  const TimestampMs now = clock_.now();
  switch (fetched->outcome) {
    case FetchOutcome::kGone:
      // Recorded only if we had it; an unknown name leaves no row behind.
      if (auto w = (*txn)->mark_unpublished(name, now); !w.ok()) return w.status();
      if (auto s = (*txn)->commit(); !s) return s;
      return Status::not_found(name + " is not on the upstream registry");
    case FetchOutcome::kNotModified:
      if (auto w = (*txn)->record_fetch(name, fetched->etag, now); !w.ok()) return w.status();
      break;
    case FetchOutcome::kDocument:
      fetched->package.fetched_at = now;
      if (auto w = (*txn)->put_package(fetched->package, fetched->content_hash); !w.ok())
        return w.status();
      if (auto w = (*txn)->record_fetch(name, fetched->etag, now); !w.ok()) return w.status();
      break;
  }
  if (auto s = (*txn)->commit(); !s) return s;
  auto stored = store->get_package(name);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Status::internal(name + " vanished after being stored");
  if ((*stored)->unpublished) return Status::not_found(name + " was unpublished upstream");
  return std::move(**stored);
}

}  // namespace pkgstats::registry
