#include "registry/on_demand_fetcher.h"

#include <algorithm>

#include "registry/npm_name.h"

namespace pkgstats::registry {

namespace {

PackumentSourceOptions source_options(const OnDemandOptions& o) {
  PackumentSourceOptions s;
  s.timeout = o.timeout;
  s.max_document_bytes = o.max_document_bytes;
  s.body_attempts = 1;  // a page cannot wait for a second round trip
  s.scope_registries = o.scope_registries;
  return s;
}

std::map<ErrorCode, std::chrono::milliseconds> failure_ttls(const OnDemandOptions& o) {
  return {{ErrorCode::kNotFound, o.not_found_ttl},
          {ErrorCode::kInvalidInput, o.invalid_ttl},
          {ErrorCode::kTooLarge, o.too_large_ttl},
          {ErrorCode::kUnavailable, o.unavailable_ttl},
          {ErrorCode::kStorageError, o.storage_error_ttl}};
}

std::shared_future<OnDemandResult> ready(OnDemandResult result) {
  std::promise<OnDemandResult> p;
  p.set_value(std::move(result));
  return p.get_future().share();
}

// Is `url` one path segment below `registry` (a packument_url() of a checked name)?
bool stays_below(std::string_view registry, const std::string& url) {
  while (!registry.empty() && registry.back() == '/') registry.remove_suffix(1);
  if (url.size() <= registry.size() + 1 || url.compare(0, registry.size(), registry) != 0 ||
      url[registry.size()] != '/')
    return false;
  const std::string_view segment = std::string_view(url).substr(registry.size() + 1);
  return segment != "." && segment != ".." &&
         segment.find_first_of("/?#\\") == std::string_view::npos;
}

// What a fetch ended with. Failures are remembered for the name (so the request routed
// again after the wait finds the answer, and a failing name is not asked again soon),
// except an open breaker's refusal: that is about the upstream, not the name.
struct Attempt {
  Status status;
  bool remember = true;
  OnDemandRefusal refusal = OnDemandRefusal::kNone;
};

Status cap_reached(size_t cap) {
  return Status::too_large(
      "this server holds its limit of " + std::to_string(cap) +
      " packages added on demand and adds no more (its operator can sync them)");
}

}  // namespace

OnDemandFetcher::OnDemandFetcher(HttpFetcher& fetcher, std::string db_path, OnDemandOptions options)
    : fetcher_(fetcher),
      db_path_(std::move(db_path)),
      options_(std::move(options)),
      source_(fetcher_, options_.registry_url, source_options(options_)),
      writer_(options_.readme_renderer, options_.install_sizer),
      failures_(failure_ttls(options_), options_.remembered_failures),
      quota_(options_.client_burst, options_.client_per_minute, limits::kMaxOnDemandClients),
      breaker_(options_.breaker_failures, options_.breaker_open) {
  for (size_t i = 0; i < std::max<size_t>(options_.workers, 1); ++i)
    workers_.emplace_back([this] { work(); });
}

OnDemandFetcher::~OnDemandFetcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& t : workers_) t.join();
  // Fetches still queued are answered, so no waiter is left without a result.
  for (auto& [name, flight] : queue_)
    flight->set_value({Status::unavailable("the server is stopping"), OnDemandRefusal::kBusy, 1});
}

std::shared_future<OnDemandResult> OnDemandFetcher::request(const std::string& name,
                                                            const std::string& client) {
  if (auto problem = npm_name_problem(name))
    return ready(
        {Status::invalid("not an npm package name (" + *problem + ")"), OnDemandRefusal::kBadName});
  if (auto failure = failures_.recall(name))
    return ready({failure->failure, static_cast<OnDemandRefusal>(failure->tag)});
  std::lock_guard lock(mutex_);
  if (auto it = flights_.find(name); it != flights_.end()) return it->second;  // single flight
  if (breaker_.is_open())
    return ready({Status::unavailable(
        "upstream registry unavailable (it failed repeatedly; not asked again yet)")});
  // Running or waiting for a worker: at most workers + queue names.
  if (flights_.size() >= std::max<size_t>(options_.workers, 1) + options_.queue || stopping_)
    return ready({Status::unavailable("too many packages are being fetched; retry shortly"),
                  OnDemandRefusal::kBusy, limits::kOnDemandRetryAfterSeconds});
  if (auto wait = quota_.take(client))
    return ready(
        {Status::unavailable("this client fetched many unknown packages recently; retry later"),
         OnDemandRefusal::kQuotaSpent, *wait});
  auto flight = std::make_shared<std::promise<OnDemandResult>>();
  auto result = flight->get_future().share();
  flights_.emplace(name, result);
  queue_.emplace_back(name, std::move(flight));
  work_ready_.notify_one();
  return result;
}

Result<Package> OnDemandFetcher::fetch(const std::string& name, const std::string& client) {
  OnDemandResult result = request(name, client).get();
  if (!result.status.ok()) return result.status;
  std::lock_guard lock(store_mutex_);
  store::Store* store = writable_store();
  if (!store) return Status::storage(db_path_ + ": cannot be opened");
  auto stored = store->get_package(name);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return Status::internal(name + " vanished after being stored");
  if ((*stored)->unpublished) return Status::not_found(name + " was unpublished upstream");
  return std::move(**stored);
}

std::size_t OnDemandFetcher::in_flight() const {
  std::lock_guard lock(mutex_);
  return flights_.size();
}

void OnDemandFetcher::work() {
  for (;;) {
    std::pair<std::string, Flight> job;
    {
      std::unique_lock lock(mutex_);
      work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const auto& [name, flight] = job;
    // A failure is remembered before the flight ends, so a request in between sees one or
    // the other.
    OnDemandResult result = fetch_and_store(name);
    {
      std::lock_guard lock(mutex_);
      flights_.erase(name);
    }
    flight->set_value(std::move(result));
  }
}

OnDemandResult OnDemandFetcher::fetch_and_store(const std::string& name) {
  Attempt attempt = [&]() -> Attempt {
    std::string etag;  // revalidate what we hold, if anything
    {
      std::lock_guard lock(store_mutex_);
      store::Store* store = writable_store();
      if (!store) return {Status::storage(db_path_ + ": cannot be opened for writing")};
      auto held = store->fetch_state(name);
      if (!held.ok()) return {held.status()};
      if (held->has_value()) {
        etag = (*held)->etag;
      } else {
        auto added = store->added_on_demand_count();
        if (!added.ok()) return {added.status()};
        if (static_cast<size_t>(*added) >= options_.max_added_packages)
          return {cap_reached(options_.max_added_packages), true, OnDemandRefusal::kCapReached};
      }
    }
    if (const auto& registry = source_.registry_for(name);
        !stays_below(registry, packument_url(registry, name)))
      return {Status::invalid("not fetched: " + name + " would leave the registry's path")};
    if (!breaker_.allow())
      return {Status::unavailable(
                  "upstream registry unavailable (it failed repeatedly; not asked again yet)"),
              false};
    upstream_requests_++;
    auto fetched = source_.fetch(name, etag);
    if (!fetched.ok()) {
      const Status& s = fetched.status();
      if (s.code() != ErrorCode::kUnavailable) {
        breaker_.succeeded();  // it answered; the document is the problem
        return {s, true};
      }
      breaker_.failed();
      return {Status::unavailable("upstream registry unavailable: " + s.message()), true};
    }
    breaker_.succeeded();
    Status stored = store_fetched(name, std::move(fetched).value());
    if (stored.code() == ErrorCode::kTooLarge) return {stored, true, OnDemandRefusal::kCapReached};
    return {stored, true};
  }();
  if (!attempt.status.ok() && attempt.remember)
    failures_.remember(name, attempt.status, static_cast<int>(attempt.refusal));
  return {attempt.status, attempt.refusal};
}

Status OnDemandFetcher::store_fetched(const std::string& name, FetchedPackument&& fetched) {
  ingest::PackumentUpdate update = to_update(std::move(fetched), writer_);  // renders: no lock held
  std::lock_guard lock(store_mutex_);
  store::Store* store = writable_store();
  if (!store) return Status::storage(db_path_ + ": cannot be opened for writing");
  auto held = store->fetch_state(name);
  if (!held.ok()) return held.status();
  update.added_on_demand = !held->has_value();
  if (update.added_on_demand && update.kind == ingest::PackumentUpdate::Kind::kDocument) {
    // Checked again under the store mutex, so concurrent fetches cannot overshoot the cap.
    auto added = store->added_on_demand_count();
    if (!added.ok()) return added.status();
    if (static_cast<size_t>(*added) >= options_.max_added_packages)
      return cap_reached(options_.max_added_packages);
  }
  auto txn = store->begin_write();
  if (!txn.ok()) return txn.status();
  update.at = clock_.now();
  auto written = writer_.write(**txn, update);
  if (!written.ok()) return written.status();  // destroying `txn` rolls it back
  RETURN_IF_ERROR((*txn)->commit());
  switch (written->outcome) {
    case ingest::DocumentOutcome::kSkipped:
      return Status::invalid(name + ": " + written->reason);
    case ingest::DocumentOutcome::kNotFound:
    case ingest::DocumentOutcome::kUnpublished:
      return Status::not_found(name + " is not on the upstream registry");
    default:
      return Status::success();
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

}  // namespace pkgstats::registry
