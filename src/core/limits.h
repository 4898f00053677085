// Every bound pkgstats enforces, in one place, each with the reason it exists.
// Change a number here, not at its point of use.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace pkgstats::limits {

// ---- Ingest -------------------------------------------------------------------------------
// The largest packument we accept. Real ones reach ~40 MB (vite); 64 MB leaves headroom while
// refusing a 100 MB hostile body before it is parsed.
inline constexpr std::size_t kMaxPackumentBytes = 64u << 20;
// The largest input file `import` decompresses into memory at once (TSV corpora stream instead).
inline constexpr std::size_t kMaxDocumentFileBytes = 512u << 20;
// JSON nesting: real packuments nest < 20 deep; 100,000-deep documents are an attack.
inline constexpr std::size_t kMaxJsonDepth = 256;
// README source kept for rendering: npm itself truncates at 64 KiB; we allow a little more.
inline constexpr std::size_t kMaxReadmeSourceBytes = 256u << 10;
// Rendered README HTML stored per package; larger output is cut at a block boundary.
inline constexpr std::size_t kMaxReadmeHtmlBytes = 512u << 10;
// HTML element nesting the README sanitizer parses (deeper input is refused before gumbo
// sees it): gumbo's tree builder does work proportional to the open-element stack for every
// token (quadratic overall: 30,000 nested <div>s take over a second) and re-opens unclosed
// formatting elements after every block (a 65 KB input can make it allocate gigabytes).
inline constexpr std::size_t kMaxHtmlNestingDepth = 256;
inline constexpr std::size_t kMaxOpenFormattingElements = 8;
// README rendering runs in worker processes (render/readme_worker.h, docs/readme-rendering.md):
// Debian 12's cmark-gfm (0.29.0.gfm.6) has published quadratic inputs (250 kB of "![[]()"
// takes 9 s) and a table extension that can allocate without bound. A render may use this
// much of its worker's CPU; then the worker is killed and the README is shown as plain text.
// Real READMEs take 0.1-10 ms of it (46 kB: 4.5 ms); dense Markdown renders at 1-3 MB/s here,
// so only beyond ~100 kB of it is the budget reached (npm itself cuts READMEs at 64 KiB).
inline constexpr std::chrono::milliseconds kReadmeRenderCpuBudget{80};
// How often the budget is checked while the worker renders: the most it can overshoot.
inline constexpr std::chrono::milliseconds kReadmeRenderPollInterval{5};
// Wall time a render may take whatever the load (a starved or stopped worker is killed too).
inline constexpr std::chrono::milliseconds kReadmeRenderWallLimit{2000};
// Address space of one worker: a 256 kB README needs < 100 MB; the cap turns cmark-gfm's
// runaway allocations (a 41,000-column table) into a failed render instead of an OOM kill.
inline constexpr std::size_t kReadmeWorkerAddressSpaceBytes = std::size_t{1} << 30;
// A worker kills itself (SIGPROF) after this multiple of the budget on one README, in case
// its parent is gone or starved (the parent normally kills it at 1x).
inline constexpr int kReadmeWorkerSelfLimitFactor = 4;
// Repository URL and directory bytes a worker accepts with a README (real ones: < 200).
inline constexpr std::size_t kMaxReadmeContextFieldBytes = 64u << 10;
// Worker processes alive at once (~4 MB each); callers beyond wait for one to be free.
inline constexpr std::size_t kMaxReadmeWorkers = 4;
// Sanitizer builds (PKGSTATS_SANITIZED, set by CMake) run 3-10x slower: time budgets above
// are multiplied by this factor there, so tests of good input pass under ASan too (more of
// the pathological shapes render there than in Release; the bound scales the same way).
#ifdef PKGSTATS_SANITIZED
inline constexpr int kTimeBudgetScale = 10;
#else
inline constexpr int kTimeBudgetScale = 1;
#endif
// Funding links and `bin` commands kept per package (real ones: 1-3 links, < 10 commands).
inline constexpr std::size_t kMaxFundingLinks = 8;
inline constexpr std::size_t kMaxBinCommands = 32;
inline constexpr std::size_t kMaxBinCommandBytes = 128;
// Description, keyword and name lengths stored per package.
inline constexpr std::size_t kMaxDescriptionBytes = 4096;
inline constexpr std::size_t kMaxKeywords = 64;
inline constexpr std::size_t kMaxKeywordBytes = 128;
// npm names are at most 214 characters; we allow slack for legacy names.
inline constexpr std::size_t kMaxPackageNameBytes = 256;
// Versions stored per package: @types/node has ~2,000; 20,000 bounds a hostile document.
inline constexpr std::size_t kMaxVersionsPerPackage = 20000;
// Documents per write transaction: large enough to amortise fsync, small enough to keep
// readers' snapshots fresh and memory bounded.
inline constexpr std::size_t kImportBatchSize = 2000;
// TSV rows per write transaction (rows are tiny).
inline constexpr std::size_t kTsvBatchSize = 50000;
// TSV rows handed to the store in one call (WriteTransaction::put_listings): PostgreSQL writes
// them with one statement instead of a round trip per row.
inline constexpr std::size_t kTsvRowsPerCall = 2000;
// SQLite's page cache per connection: a writer's is large (a bulk import rewrites the same
// index pages over and over); readers share the OS page cache, and a server pools several,
// so theirs is small (4 x 64 MB grew a loaded server's RSS by 170 MB without a gain).
inline constexpr std::size_t kWriterPageCacheKiB = 64 * 1024;
inline constexpr std::size_t kReaderPageCacheKiB = 8 * 1024;
// Prepared statements a connection keeps for reuse (store/sqlite.h, prepare_cached): the
// store has about 35 constant reads and 22 writes, each statement a few kB.
inline constexpr std::size_t kMaxCachedStatements = 128;

// ---- Search -------------------------------------------------------------------------------
// Query text: longer input is cut (and the user told); bounds parsing and matching work.
inline constexpr std::size_t kMaxQueryBytes = 1024;
inline constexpr std::size_t kMaxQueryWords = 32;
// Results per page (npm's own /-/v1/search caps size at 250).
inline constexpr std::size_t kMaxResultsPerPage = 250;
inline constexpr std::size_t kDefaultResultsPerPage = 20;
// Deepest offset we page to (npm rejects from > 10000).
inline constexpr std::size_t kMaxResultOffset = 10000;

// ---- HTTP ---------------------------------------------------------------------------------
// Request line plus headers. Browsers send 1-3 KiB; 8 KiB matches nginx's default per-line
// buffer and refuses header-stuffing (431) before it costs memory.
inline constexpr std::size_t kMaxHttpHeaderBytes = 8u << 10;
// Request target (path + query). A maximal search query (kMaxQueryBytes) percent-encodes to
// 3 KiB; 4 KiB leaves room for the path and other parameters (414 beyond).
inline constexpr std::size_t kMaxHttpTargetBytes = 4u << 10;
// Request body. We serve GET/HEAD (and one POST, below), so a body is rarely needed; a small
// allowance keeps clients that send an empty or tiny body working while refusing uploads (413).
inline constexpr std::size_t kMaxHttpBodyBytes = 1u << 10;
// The one body we read: POST /v2/package/mget, a JSON array of at most 250 package names
// (npms' bound) of at most kMaxPackageNameBytes each, quoted and comma-separated: 54 KiB.
// Other requests keep kMaxHttpBodyBytes.
inline constexpr std::size_t kMaxNpmsMgetBodyBytes = 64u << 10;
// Versions read per package for the npms API's release counts (the newest first): an mget of
// 250 packages reads at most 100,000 rows. Reading react's 2,500 newest took 26 ms, so a
// 250-name mget of such packages would take seconds; release windows reaching past the
// oldest version read are left out of the answer rather than undercounted.
inline constexpr std::size_t kMaxNpmsVersionsRead = 400;
// Time allowed to receive one whole request once its first byte arrived: bounds slowloris.
inline constexpr int kHttpReadTimeoutSeconds = 10;
// How long an idle keep-alive connection may wait for its next request.
inline constexpr int kHttpIdleTimeoutSeconds = 30;
// Open connections served at once, so file descriptors and memory stay bounded (the default
// RLIMIT_NOFILE is 1024). At the limit the server stops accepting until one ends: newcomers
// wait in the kernel's listen backlog instead of being accepted and closed unanswered.
inline constexpr std::size_t kMaxHttpConnections = 512;
// Requests served on one keep-alive connection before it is closed, so long-lived clients
// rebalance across servers.
inline constexpr std::size_t kMaxHttpRequestsPerConnection = 1000;
// Bodies smaller than this are sent uncompressed: gzip framing costs more than it saves.
inline constexpr std::size_t kMinGzipBodyBytes = 512;
// Result pages reachable by `page=N` (kMaxResultOffset / kDefaultResultsPerPage).
inline constexpr std::size_t kMaxSearchPage = kMaxResultOffset / kDefaultResultsPerPage;
// Versions listed on a package page (the newest first); the rest are counted.
inline constexpr std::size_t kMaxRecentVersionsShown = 20;
// Packages a maintainer page reads (most downloaded first; the table is paged): each costs a
// few indexed reads (trend, deprecated dependencies), so this bounds the page's work.
inline constexpr std::size_t kMaxMaintainerPackagesShown = 5000;
// Rows of a maintainer's package table per page.
inline constexpr std::size_t kMaintainerPackagesPerPage = 100;
// Packages in one comparison (chart legibility).
inline constexpr std::size_t kMaxComparedPackages = 5;
// Discover lists (popular, newest, trending): entries kept per list, 50 pages of 20. Built once
// per index reload from full scans, so deeper lists cost memory and reload time for pages
// nobody reads.
inline constexpr std::size_t kMaxDiscoverEntries = 1000;
// The discover lists also go stale with the clock (trending compares day windows): a store
// that is not written is read for them again hourly (0.24 s at 4.5M packages).
inline constexpr int64_t kDiscoverListsTtlMs = 3'600'000;
// Their cache's byte budget: the three lists of kMaxDiscoverEntries names take about 200 kB,
// well under the sixteenth of it one cached value may use.
inline constexpr std::size_t kMaxCachedDiscoverListsBytes = 64u << 20;
inline constexpr std::size_t kDiscoverPerPage = 20;
// Trending compares two windows of this many archived days, among this many of the most
// downloaded packages (the daily archive is read per package, by primary key).
inline constexpr int kTrendingWindowDays = 14;
inline constexpr std::size_t kTrendingCandidates = 5000;
// Downloads per day the earlier window must average: growth from near zero is noise.
inline constexpr int64_t kTrendingMinDailyDownloads = 100;
// Top dependents named on a package page.
inline constexpr std::size_t kMaxDependentsShown = 20;
// The dependents list (/pkg:NAME/dependents, its API): rows per page by default and at most,
// and the deepest page. Every page sorts all of a package's dependents (lodash has ~170k on
// npm) before skipping to its offset, so the depth is bounded like search's.
inline constexpr std::size_t kDependentsPerPage = 50;
inline constexpr std::size_t kMaxDependentsPerPage = 250;
inline constexpr std::size_t kMaxDependentsPage = 2000;
// Package ids per /sitemap-N.xml page: the sitemap protocol's cap of 50,000 URLs per file
// (ids are dense, so a page of ids holds at most this many names); 4.5M packages -> 90 pages.
inline constexpr int64_t kSitemapIdsPerPage = 50000;

// ---- Registry sync -----------------------------------------------------------------------
// On-demand fetch (a page for a package we lack; registry/on_demand_fetcher.h). The upstream
// request, README rendering and store write run on a pool of their own, never on the I/O
// threads. One upstream request may take this long (`serve --upstream-timeout`) ...
inline constexpr int kOnDemandTimeoutMs = 4000;
// ... while the page waits at most this long for it (without holding an I/O thread), then
// answers 202 "fetching, retry shortly" with Retry-After: a page must not hang on the upstream.
inline constexpr int kOnDemandWaitMs = 1500;
// Retry-After of that answer, and of "busy" / "quota spent" answers.
inline constexpr int kOnDemandRetryAfterSeconds = 2;
// Upstream requests in flight at once (the pool's threads): the global concurrency cap, so a
// flood of unknown names costs the upstream and us at most this many connections ...
inline constexpr std::size_t kOnDemandWorkers = 4;
// ... and names waiting for a thread; beyond, requests are answered "busy" (503) at once.
inline constexpr std::size_t kOnDemandQueuedFetches = 32;
// Per client (its address, as the rate limiter keys it): upstream fetches it may start at
// once, then per minute. Names already being fetched, stored or remembered cost nothing, so a
// reader following links never notices; a crawler of made-up names makes 8 requests, then 10
// a minute, not one per name.
inline constexpr double kOnDemandClientBurst = 8;
inline constexpr double kOnDemandClientFetchesPerMinute = 10;
// Clients whose quota is tracked (~100 bytes each); when full, the longest idle is forgotten.
inline constexpr std::size_t kMaxOnDemandClients = 10000;
// Failures remembered per name, each kind for its own time, so a failing name costs one
// upstream request per period however often it is asked for: a name the upstream does not
// have (404) or sends unusable (invalid JSON, HTML, another package's document) ...
inline constexpr int kOnDemandNotFoundTtlMs = 10 * 60'000;
inline constexpr int kOnDemandInvalidTtlMs = 10 * 60'000;
// ... a document over kMaxPackumentBytes (it will not shrink soon; each try reads 64 MB) ...
inline constexpr int kOnDemandTooLargeTtlMs = 60 * 60'000;
// ... a timeout, a 5xx or a refused connection (transient: asked again soon) ...
inline constexpr int kOnDemandUnavailableTtlMs = 60'000;
// ... and our own store refusing the write (a full disk; retried sooner still).
inline constexpr int kOnDemandStorageErrorTtlMs = 10'000;
// Names whose failure is remembered (~150 bytes each); when full, the soonest to expire goes.
inline constexpr std::size_t kOnDemandFailureEntries = 10000;
// The circuit breaker of the upstream: after this many consecutive transient failures
// (timeouts, 5xx, refused connections) on-demand fetch stops asking it ...
inline constexpr int kOnDemandBreakerFailures = 5;
// ... for this long, then lets one request through (half-open): success closes the breaker,
// failure opens it again. (One timeout no longer switches the feature off for everyone.)
inline constexpr int kOnDemandBreakerOpenMs = 30'000;
// Packages on-demand fetch may add to the store (`serve --on-demand-max-packages`): at the
// cap, further unknown names are refused with a page saying so (nothing is evicted), so
// visitors cannot grow the database without bound. Packages it only refreshes, and those
// sync or import write, do not count.
inline constexpr std::size_t kOnDemandMaxAddedPackages = 10000;
// Per-version last-week downloads stored per package (the most downloaded kept): @types/node
// has ~2,000 versions; a hostile or buggy upstream cannot make one package's rows unbounded.
inline constexpr std::size_t kMaxVersionDownloadsPerPackage = 5000;
// Majors charted on a package page (the chart's colours and dashes: render/downloads_chart.h
// draws at most 5 series); the rest are summed as "other".
inline constexpr std::size_t kMaxAdoptionSeries = 5;
// Per-version snapshots kept in the history are all kept; a read returns at most this many
// (the newest): ten years of weekly fetches.
inline constexpr std::size_t kMaxVersionDownloadsSnapshots = 520;
// The decoded size of one stored snapshot (kMaxVersionDownloadsPerPackage lines of a version
// of at most kMaxVersionStringBytes and a count): a corrupt length is refused, not allocated.
inline constexpr std::size_t kMaxVersionSnapshotBytes = 2u << 20;
// Version strings accepted from a per-version downloads response (node-semver's MAX_LENGTH).
inline constexpr std::size_t kMaxVersionStringBytes = 256;
// Semver range text accepted (core/semver.h): ingest keeps 256 bytes of each dependency
// range; anything longer is refused as "not a range" rather than parsed.
inline constexpr std::size_t kMaxSemverRangeBytes = 1024;
// The largest /versions/{pkg}/last-week body read: 5,000 versions at ~40 bytes each is
// ~200 KB; 4 MB is generous and still refuses a runaway response early.
inline constexpr std::size_t kMaxVersionDownloadsBodyBytes = 4u << 20;
// Packages whose per-version downloads one `pkgstats downloads` run fetches (one request
// each at the polite interval: 10,000 x 0.35 s is about an hour), most downloaded first.
inline constexpr std::size_t kMaxVersionDownloadsPackagesPerRun = 10000;
// Background downloads backfill (registry/downloads_backfill.h): the first view of a package
// whose archive is empty or stale queues one fetch of its recent daily downloads. A package
// is stale when its newest archived day is older than this many days before today (the
// downloads API publishes a day about a day later) ...
inline constexpr int kDownloadsStaleDays = 3;
// ... and the fetch asks for this many days ending yesterday: the 18 months one single-package
// range query of the downloads API may span, so one request per package.
inline constexpr int kDownloadsBackfillDays = 549;
// Packages waiting for the backfill's one worker; beyond, a page is served without queueing
// (it asks again on a later view). One request each at the polite interval: 64 x 0.35 s.
inline constexpr std::size_t kDownloadsBackfillQueue = 64;
// A package fetched (or failed) is not queued again for this long, however often its page is
// viewed: the upstream has nothing newer for a day, and a failing name costs one request.
inline constexpr int kDownloadsBackfillRetryMs = 60 * 60'000;
// Packages whose last backfill time is remembered (~100 bytes each); the oldest go first.
inline constexpr std::size_t kDownloadsBackfillRemembered = 10000;
// The largest .npmrc read (registry/npm_config.h): real ones are a few lines; a bigger file
// is not npm configuration and is skipped.
inline constexpr std::size_t kMaxNpmrcBytes = 1u << 20;
// Redirects the upstream client follows for one request (libcurl's default is unlimited;
// registries redirect once, to a CDN or to https), each within the first URL's scheme and
// host unless configured (registry/http_fetcher.h).
inline constexpr std::size_t kMaxUpstreamRedirects = 5;
// How often `serve` checks the store for committed writes to reload its index.
inline constexpr double kDefaultIndexReloadSeconds = 5;
// The share of one core that rebuilding the index may take while a sync keeps writing: after
// a rebuild of R seconds the next check waits at least R * (1 / share - 1). A rebuild of the
// whole registry takes seconds; every 5 s it would take a core from serving.
inline constexpr double kMaxIndexReloadCpuShare = 0.2;
// Packages written since the last full build of the index that a server lays over it as an
// overlay index (rebuilt from all of them on every committed write: 20,000 build in about
// 0.2 s); beyond, it rebuilds the whole index instead (a minute at 4.5M packages).
inline constexpr size_t kMaxOverlayDocuments = 20000;
// How long a full build may have overlays laid over it: a rebuild at least this often
// refreshes what only a full build computes (dependents counts, postings of common words).
inline constexpr std::chrono::seconds kMaxOverlayAge{3600};
// Index snapshots published in the database (store/index_snapshots.h) are stored in chunks
// of this many bytes: no value nears PostgreSQL's 1 GB bytea limit (793 MB at 4.5M
// documents), and a reader holds one chunk beyond the index it fills.
inline constexpr size_t kIndexSnapshotChunkBytes = size_t{8} << 20;
// Snapshots of one format a publish keeps: the newest, and the one before it for nodes that
// may still be reading it.
inline constexpr size_t kIndexSnapshotsKept = 2;
// How often `fetch --watch` re-polls its names (each an If-None-Match: mostly 304s).
inline constexpr double kDefaultWatchIntervalSeconds = 30;

// ---- Install size (app/install_size.h) ----------------------------------------------------
// A resolution reads at most this many packuments, places at most this many packages and
// nests them at most this deep; beyond, the size reads "at least". The largest real trees
// (a framework's CLI) place ~1,500 packages from ~1,000 packuments, nest < 20 deep and
// resolve in tens of ms; a hostile graph (every package depending on hundreds of others, or
// a chain of conflicting versions) cannot make one write or page do more.
inline constexpr std::size_t kMaxInstallTreePackuments = 1500;
inline constexpr std::size_t kMaxInstallTreePackages = 3000;
inline constexpr int kMaxInstallTreeDepth = 48;
// Unresolvable dependencies an install tree lists by name (the count is not bounded).
inline constexpr std::size_t kMaxUnresolvedListed = 20;

// ---- APIs ---------------------------------------------------------------------------------
// The worst case of any one request, which every endpoint's bounds below keep to (each
// family is checked by tests/http/worst_case_test.cc with its largest parameters): at most
// this many bytes of body (before gzip), and about 100 ms of one core. The largest today are
// /api/v1/packages/NAME (2,500 versions listed: at most about 3.5 MB), a maintainer's report
// (5,000 packages: 1.3 MB) and a bulk downloads range (128 names x 365 days: 1.8 MB).
inline constexpr std::size_t kMaxResponseBytes = 8u << 20;
// Days /api/v1/packages/NAME/downloads may span (a single package, bucketed): everything
// since 2015-01-10 fits with decades to spare, while a hostile "0001-01-01:9999-12-31" cannot
// make us build a 3.6M-entry response (10,980 days of one package: about 700 kB).
inline constexpr std::size_t kMaxDownloadsRangeDays = 366 * 30;
// npm's bounds on /downloads/{point|range}: a bulk query (several names) spans at most 365
// days (400 "exceeded max days of 365" beyond; 128 names x 365 days is 46,720 entries, 2 MB),
// and a single package's range is clamped to its last 18 months (549 days), start moved
// forward, as api.npmjs.org does. Without them one 1.4 kB request for 128 names over 30 years
// built a 49 MB body and took the server from 32 MB to 524 MB.
inline constexpr std::size_t kMaxBulkDownloadsRangeDays = 365;
inline constexpr std::size_t kMaxSingleDownloadsRangeDays = 549;
// Versions listed by /api/v1/packages/NAME (the newest; versions_count has them all): a
// package may hold kMaxVersionsPerPackage, each up to ~1.4 kB of JSON (a 256-byte version
// and a 1 kB deprecation message), 27 MB in all; 2,500 keep it under 3.5 MB and still list
// all of @types/node's ~2,000.
inline constexpr std::size_t kMaxVersionsListed = 2500;
// Names in one bulk downloads query (npm's own cap).
inline constexpr std::size_t kMaxBulkDownloadNames = 128;
// Suggestions returned by /api/v1/suggest (a dropdown's worth).
inline constexpr std::size_t kMaxSuggestions = 8;
// The search APIs' response cache (http/response_cache.h): entries live at most a minute
// (relative date qualifiers move with the clock), and the cache holds at most 4,096 answers
// and 32 MB of bodies (a search answer is 1-30 kB).
inline constexpr int64_t kResponseCacheTtlMs = 60'000;
inline constexpr std::size_t kMaxCachedResponses = 4096;
inline constexpr std::size_t kMaxCachedResponseBytes = 32u << 20;
// Targets whose first request the response cache remembers (by hash, in a table of this many
// slots): an answer is stored on the second request for its target within that memory.
inline constexpr std::size_t kResponseCacheAdmissionSlots = 16384;
// Maintainer reports (the user page, its API and CSV) kept by AppState on the same
// terms: building one reads a row per package (tens of ms for a maintainer of 20,000), while
// the pages of the same few maintainers are asked for over and over. A 5,000-package report
// is about 3 MB; one above a sixteenth of the budget is not kept.
inline constexpr std::size_t kMaxCachedMaintainerReports = 256;
inline constexpr std::size_t kMaxCachedMaintainerReportBytes = 64u << 20;
// Clients tracked by the rate limiter before idle ones are forgotten (~100 bytes each).
inline constexpr std::size_t kMaxRateLimitedClients = 100000;
// Entries in an Atom feed.
inline constexpr std::size_t kMaxFeedEntries = 50;

// Default number of I/O threads for `serve`; each has its own read-only store connection.
inline constexpr int kDefaultHttpThreads = 2;

}  // namespace pkgstats::limits
