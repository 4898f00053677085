// serve stays current: a write committed to the store while the server runs becomes
// searchable within the refresher's interval, without a restart; no write, no reload.
#include "search/index_refresher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/limits.h"
#include "search/layered_index.h"
#include "test_support.h"

namespace pkgstats::http {
namespace {

using namespace std::chrono_literals;
using search::IndexRefresher;

Package new_package(const std::string& name, const std::string& description) {
  Package p;
  p.name = name;
  p.description = description;
  p.latest = "1.0.0";
  p.dist_tags = {{"latest", "1.0.0"}};
  Version v;
  v.version = "1.0.0";
  v.published = 1700000000000;
  p.versions = {v};
  return p;
}

// `content_hash` stands for the packument's: the store skips a package whose hash it has.
void write_package(const std::string& db, const Package& p, uint64_t content_hash = 99) {
  auto store = store::Store::open(db);
  ASSERT_TRUE(store.ok());
  auto tx = (*store)->begin_write();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->put_package(p, content_hash).ok());
  ASSERT_TRUE((*tx)->commit());
}

bool searchable(AppState& state, const std::string& query, const std::string& name) {
  return testing::get(state, "/search?q=" + query).body.find(name) != std::string::npos;
}

TEST(IndexRefresher, ACommittedWriteBecomesSearchableWithinTheInterval) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/r.db";
  testing::build_fixture_store(db);
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  const size_t before = state.search_engine()->document_count();
  ASSERT_FALSE(searchable(state, "zebrafish", "zebra-fresh"));

  IndexRefresher refresher(state.index(), state.store_pool(), 100ms);
  std::this_thread::sleep_for(350ms);
  EXPECT_EQ(refresher.reloads(), 0u);  // nothing was written: nothing rebuilt

  const auto written = std::chrono::steady_clock::now();
  write_package(db, new_package("zebra-fresh", "zebrafish tracker"));
  while (!searchable(state, "zebrafish", "zebra-fresh") &&
         std::chrono::steady_clock::now() - written < 5s) {
    std::this_thread::sleep_for(10ms);
  }
  const auto lag = std::chrono::steady_clock::now() - written;
  EXPECT_TRUE(searchable(state, "zebrafish", "zebra-fresh"));
  EXPECT_LT(lag, 2s);  // interval (0.1 s) + rebuild of a tiny index, with slack for a busy CI
  EXPECT_EQ(state.search_engine()->document_count(), before + 1);
  EXPECT_EQ(refresher.reloads(), 1u);
}

// A listener standing for PostgreSQL's NOTIFY (store/write_listener.h): hears of a write when
// the test says so, and fails once to show that a lost listener only costs the polling.
class ScriptedListener final : public store::WriteListener {
 public:
  explicit ScriptedListener(std::atomic<int>* pending) : pending_(pending) {}
  Result<bool> wait(std::chrono::milliseconds timeout) override {
    if (!failed_once_) {
      failed_once_ = true;
      return Status::storage("connection lost");
    }
    std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(20)));
    return pending_->exchange(0) > 0;
  }

 private:
  std::atomic<int>* pending_;
  bool failed_once_ = false;
};

TEST(IndexRefresher, ANotifiedWriteIsSearchableLongBeforeTheInterval) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/r.db";
  testing::build_fixture_store(db);
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  std::atomic<int> pending{0};
  std::vector<std::string> lines;
  std::mutex lines_mutex;
  IndexRefresher refresher(
      state.index(), state.store_pool(), std::chrono::hours(1),
      [&](const std::string& line) {
        std::lock_guard lock(lines_mutex);
        lines.push_back(line);
      },
      limits::kMaxOverlayDocuments, std::make_unique<ScriptedListener>(&pending));
  std::this_thread::sleep_for(1500ms);  // the listener's failure, and its retry a second later
  const auto written = std::chrono::steady_clock::now();
  write_package(db, new_package("zebra-fresh", "zebrafish tracker"));
  pending = 1;
  while (!searchable(state, "zebrafish", "zebra-fresh") &&
         std::chrono::steady_clock::now() - written < 5s) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(searchable(state, "zebrafish", "zebra-fresh"));  // the interval is an hour
  EXPECT_LT(std::chrono::steady_clock::now() - written, 2s);
  std::lock_guard lock(lines_mutex);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "write notifications lost: connection lost");
}

TEST(IndexRefresher, CheckNowReloadsOnlyAfterANewerWrite) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/r.db";
  testing::build_fixture_store(db);
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  IndexRefresher refresher(state.index(), state.store_pool(),
                           1h);  // the thread stays asleep; we drive it
  EXPECT_FALSE(*refresher.check_now());
  std::this_thread::sleep_for(2ms);  // last_write has millisecond resolution
  write_package(db, new_package("quokka-kit", "quokka toolkit"));
  EXPECT_TRUE(*refresher.check_now());
  EXPECT_FALSE(*refresher.check_now());
  EXPECT_TRUE(searchable(state, "quokka", "quokka-kit"));
}

// Writes since the last full build are laid over it as an overlay (no rebuild): new and
// changed packages are searched in their new form, and past the overlay limit the whole
// index is rebuilt.
TEST(IndexRefresher, WritesGoIntoAnOverlayUntilItIsFull) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/r.db";
  testing::build_fixture_store(db);
  // Packages written in the millisecond of the full build's last write are read again into
  // the overlay: an empty commit later keeps the fixture's out of it.
  std::this_thread::sleep_for(2ms);
  {
    auto store = store::Store::open(db);
    ASSERT_TRUE(store.ok());
    auto tx = (*store)->begin_write();
    ASSERT_TRUE(tx.ok() && (*tx)->commit().ok());
  }
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>());
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  const size_t before = state.search_engine()->document_count();
  std::vector<std::string> logged;
  IndexRefresher refresher(
      state.index(), state.store_pool(), 1h,
      [&](const std::string& line) { logged.push_back(line); }, 2);
  std::this_thread::sleep_for(2ms);  // last_write has millisecond resolution
  write_package(db, new_package("quokka-kit", "quokka toolkit"));
  ASSERT_TRUE(*refresher.check_now());
  auto layered = std::dynamic_pointer_cast<const search::LayeredIndex>(state.search_engine());
  ASSERT_NE(layered, nullptr);
  EXPECT_EQ(layered->overlay_documents(), 1u);
  EXPECT_EQ(state.search_engine()->document_count(), before + 1);
  EXPECT_TRUE(searchable(state, "quokka", "quokka-kit"));
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find("search index updated"), std::string::npos) << logged[0];
  EXPECT_NE(testing::get(state, "/metrics").body.find("\npkgstats_index_overlay_documents 1\n"),
            std::string::npos);

  // The same package again, described anew: one document, found by its new words only.
  std::this_thread::sleep_for(2ms);
  write_package(db, new_package("quokka-kit", "marsupial helpers"), 100);
  ASSERT_TRUE(*refresher.check_now());
  EXPECT_EQ(state.search_engine()->document_count(), before + 1);
  EXPECT_TRUE(searchable(state, "marsupial", "quokka-kit"));
  search::SearchRequest toolkit;
  toolkit.text = "toolkit";  // its old description's word
  for (const auto& hit : state.search_engine()->search(toolkit).hits)
    EXPECT_NE(hit.doc.name, "quokka-kit");

  // Two more packages written since the full build pass the overlay limit (2): a rebuild.
  std::this_thread::sleep_for(2ms);
  write_package(db, new_package("wombat-kit", "wombat toolkit"));
  write_package(db, new_package("numbat-kit", "numbat toolkit"));
  ASSERT_TRUE(*refresher.check_now());
  EXPECT_EQ(std::dynamic_pointer_cast<const search::LayeredIndex>(state.search_engine()), nullptr);
  EXPECT_EQ(state.search_engine()->document_count(), before + 3);
  EXPECT_TRUE(searchable(state, "numbat", "numbat-kit"));
  EXPECT_NE(logged.back().find("search index rebuilt"), std::string::npos) << logged.back();
  EXPECT_EQ(refresher.reloads(), 3u);
}

// While a sync keeps writing, rebuilding may take only a bounded share of a core: the pause
// after a reload grows with its length.
TEST(IndexRefresher, ALongReloadLengthensThePauseAfterIt) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/r.db";
  testing::build_fixture_store(db);
  auto slow_engine = [native = search::native_search_engine()](const search::EngineInput& input) {
    std::this_thread::sleep_for(200ms);
    return native(input);
  };
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>(), "", 4, slow_engine);
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  IndexRefresher refresher(state.index(), state.store_pool(), 10ms, {},
                           /*max_overlay_documents=*/0);  // always rebuilds
  EXPECT_EQ(refresher.pause(), 10ms);                     // no reload yet: the interval
  auto wait_for_reloads = [&](uint64_t n, std::chrono::milliseconds limit) {
    const auto start = std::chrono::steady_clock::now();
    while (refresher.reloads() < n && std::chrono::steady_clock::now() - start < limit)
      std::this_thread::sleep_for(5ms);
    return refresher.reloads() >= n;
  };
  std::this_thread::sleep_for(2ms);  // last_write has millisecond resolution
  write_package(db, new_package("slow-build", "slow build"));
  ASSERT_TRUE(wait_for_reloads(1, 10s));
  const auto min_pause = std::chrono::milliseconds(
      static_cast<int64_t>(200 * (1 / limits::kMaxIndexReloadCpuShare - 1)));
  EXPECT_GE(refresher.pause(), min_pause);
  // The next write waits out the pause, then is picked up.
  const auto second_write = std::chrono::steady_clock::now();
  write_package(db, new_package("slow-build-2", "slow build"));
  ASSERT_TRUE(wait_for_reloads(2, 20s));
  EXPECT_GE(std::chrono::steady_clock::now() - second_write, min_pause / 2);
}

// A stopping `serve` does not wait for a rebuild (it only reads): the refresher says when one
// is running.
TEST(IndexRefresher, SaysWhileAReloadRuns) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/r.db";
  testing::build_fixture_store(db);
  std::promise<void> entered, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> builds{0};
  auto gated_engine = [&,
                       native = search::native_search_engine()](const search::EngineInput& input) {
    if (builds++ == 1) {  // the first build is the initial load below
      entered.set_value();
      released.wait();
    }
    return native(input);
  };
  testing::TestApp state_app(db, std::make_shared<testing::FixedClock>(), "", 4, gated_engine);
  AppState& state = state_app.state;
  ASSERT_TRUE(state.index().reload().ok());
  IndexRefresher refresher(state.index(), state.store_pool(), 10ms, {},
                           /*max_overlay_documents=*/0);  // always rebuilds
  EXPECT_FALSE(refresher.reloading());
  std::this_thread::sleep_for(2ms);  // last_write has millisecond resolution
  write_package(db, new_package("gated-build", "gated build"));
  ASSERT_EQ(entered.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(refresher.reloading());
  release.set_value();
  for (auto start = std::chrono::steady_clock::now();
       refresher.reloads() < 1 && std::chrono::steady_clock::now() - start < 10s;)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(refresher.reloads(), 1u);
  EXPECT_FALSE(refresher.reloading());
}

}  // namespace
}  // namespace pkgstats::http
