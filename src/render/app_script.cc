#include "render/app_script.h"

#include <cstdint>
#include <cstdio>

namespace pkgstats::render {
namespace {

// Served as is: no build step. Keep it small, dependency-free and readable.
constexpr std::string_view kAppScript = R"js(
// pkgstats page script: search suggestions (ARIA 1.2 combobox), chart range switching
// without a reload, and copy buttons. Every page works without it: it only enhances
// markup that is already there, and does nothing where that markup is missing.
(function () {
  'use strict';
  var DEBOUNCE_MS = 120;
  var MAX_QUERY_CHARS = 200;
  var status;  // one polite live region for announcements

  function make(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function announce(text) {
    if (!status) {
      status = make('div', 'visually-hidden');
      status.setAttribute('role', 'status');
      (document.querySelector('main') || document.body).appendChild(status);
    }
    status.textContent = text;
  }

  // Same encoding as the server's package_path(): keeps letters, digits, -._~@/.
  function packagePath(name) {
    return '/pkg:' + encodeURIComponent(name).replace(/%40/g, '@').replace(/%2F/g, '/')
      .replace(/[!'()*]/g, function (c) { return '%' + c.charCodeAt(0).toString(16).toUpperCase(); });
  }

  function compactCount(n) {
    if (typeof n !== 'number' || n < 0) return '';
    if (n >= 1e9) return (n / 1e9).toFixed(1) + 'B';
    if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
    if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
    return String(n);
  }

  // ---- Search suggestions: https://www.w3.org/WAI/ARIA/apg/patterns/combobox/ ----
  function enhanceSearch(input, index) {
    if (!input.form || !input.id) return;
    var list = make('ul', 'suggest');
    list.id = input.id + '-suggestions';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Suggested packages');
    list.hidden = true;
    input.insertAdjacentElement('afterend', list);
    input.form.classList.add('has-suggest');
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);

    var items = [], active = -1, timer = 0, pending = null, shownFor = null;

    function setActive(i) {
      if (active >= 0 && list.children[active]) list.children[active].setAttribute('aria-selected', 'false');
      active = i;
      var option = list.children[i];
      if (option) {
        option.setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', option.id);
        option.scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      setActive(-1);
    }

    function open() {
      if (!items.length) return;
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function choose(i) {
      if (items[i]) window.location.assign(packagePath(items[i].name));
    }

    function show(query, suggestions) {
      items = Array.isArray(suggestions) ? suggestions.filter(function (s) {
        return s && typeof s.name === 'string';
      }) : [];
      shownFor = query;
      list.textContent = '';
      active = -1;
      items.forEach(function (s, i) {
        var option = make('li');
        option.id = list.id + '-' + i;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.appendChild(make('span', 'name', s.name));
        var facts = [s.version, compactCount(s.downloads) && compactCount(s.downloads) + '/month']
          .filter(function (x) { return typeof x === 'string' && x; }).join(' · ');
        if (facts) option.appendChild(make('span', 'muted', ' ' + facts));
        if (typeof s.description === 'string' && s.description) {
          option.appendChild(make('span', 'desc', s.description.slice(0, 120)));
        }
        // mousedown would blur the input and close the list before the click lands.
        option.addEventListener('mousedown', function (e) { e.preventDefault(); });
        option.addEventListener('click', function () { choose(i); });
        option.addEventListener('mousemove', function () { if (active !== i) setActive(i); });
        list.appendChild(option);
      });
      if (items.length) {
        open();
        announce(items.length + (items.length === 1 ? ' suggestion' : ' suggestions') +
                 ' available, use the up and down arrow keys to choose.');
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var query = input.value.trim().slice(0, MAX_QUERY_CHARS);
      if (pending) pending.abort();  // a stale answer must never replace a newer one
      pending = null;
      if (!query) { items = []; shownFor = null; close(); return; }
      if (query === shownFor) { open(); return; }
      var controller = new AbortController();
      pending = controller;
      fetch('/api/v1/suggest?q=' + encodeURIComponent(query), {
        signal: controller.signal, headers: { Accept: 'application/json' }
      }).then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      }).then(function (data) {
        if (pending !== controller || input.value.trim().slice(0, MAX_QUERY_CHARS) !== query) return;
        pending = null;
        show(query, data && data.suggestions);
      }).catch(function () {
        if (pending === controller) { pending = null; close(); }
      });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });
    input.addEventListener('keydown', function (e) {
      if (e.altKey && e.key === 'ArrowDown') { open(); e.preventDefault(); return; }
      switch (e.key) {
        case 'ArrowDown':
          if (!items.length) return;
          if (list.hidden) open();
          setActive((active + 1) % items.length);
          e.preventDefault();
          break;
        case 'ArrowUp':
          if (!items.length) return;
          if (list.hidden) open();
          setActive(active <= 0 ? items.length - 1 : active - 1);
          e.preventDefault();
          break;
        case 'Enter':
          if (!list.hidden && active >= 0) { e.preventDefault(); choose(active); }
          break;
        case 'Escape':
          if (!list.hidden) { close(); e.preventDefault(); }
          else if (input.value) { input.value = ''; items = []; shownFor = null; }
          break;
        case 'Tab':
          close();
          break;
      }
    });
    input.addEventListener('blur', close);
  }

  // ---- Chart range switching ----
  // The downloads section (an element with data-chart, or the <section> around the links)
  // holds range links <a data-range="90d" href="/pkg:NAME?range=90d#downloads">. A click
  // fetches that page, takes the same section from it (by id, else by aria-labelledby) and
  // swaps it in, so the server's rendering (chart, table, links) stays the one truth. Any
  // failure falls back to following the link.
  var chartRequest = null;

  function sameSection(doc, box) {
    if (box.id) return doc.getElementById(box.id);
    var label = box.getAttribute('aria-labelledby');
    if (!label) return null;
    return Array.prototype.find.call(doc.querySelectorAll('[aria-labelledby]'), function (e) {
      return e.getAttribute('aria-labelledby') === label;
    }) || null;
  }

  function switchRange(box, link) {
    var url = link.href, range = link.getAttribute('data-range');
    if (chartRequest) chartRequest.abort();
    var controller = new AbortController();
    chartRequest = controller;
    box.setAttribute('aria-busy', 'true');
    fetch(url, { signal: controller.signal, headers: { Accept: 'text/html' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = sameSection(new DOMParser().parseFromString(html, 'text/html'), box);
        if (!fresh) throw new Error('no chart section in the answer');
        fresh = document.adoptNode(fresh);
        box.replaceWith(fresh);
        if (chartRequest === controller) chartRequest = null;
        history.replaceState(history.state, '', url);
        var again = Array.prototype.find.call(fresh.querySelectorAll('a[data-range]'),
          function (a) { return a.getAttribute('data-range') === range; });
        if (again) again.focus();
        announce('Showing downloads for ' + link.textContent.trim() + '.');
      })
      .catch(function (error) {
        if (error && error.name === 'AbortError') return;
        window.location.assign(url);
      });
  }

  document.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var link = e.target instanceof Element ? e.target.closest('a[data-range]') : null;
    var box = link && (link.closest('[data-chart]') || link.closest('section'));
    if (!box || !(box.id || box.hasAttribute('aria-labelledby'))) return;
    if (!window.fetch || !window.DOMParser || !window.AbortController) return;
    e.preventDefault();
    switchRange(box, link);
  });

  // ---- Copy buttons: <button data-copy-from="ID" hidden> copies the text of #ID ----
  // The server renders them hidden: without this script they could not work.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = make('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
      area.remove();
      if (ok) { resolve(); } else { reject(new Error('copy refused')); }
    });
  }

  function enhanceCopy(button) {
    var source = document.getElementById(button.getAttribute('data-copy-from'));
    if (!source) return;
    var label = button.textContent, timer = 0;
    button.hidden = false;
    button.addEventListener('click', function () {
      copyText(source.textContent.trim()).then(function () {
        button.textContent = 'Copied';
        announce('Copied to the clipboard: ' + source.textContent.trim());
      }, function () {
        button.textContent = 'Copy failed';
        announce('Could not copy; select the text and copy it yourself.');
      }).then(function () {
        clearTimeout(timer);
        timer = setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('form[role="search"] input[name="q"]'), enhanceSearch);
    Array.prototype.forEach.call(document.querySelectorAll('button[data-copy-from]'), enhanceCopy);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
)js";

std::string hash_hex(std::string_view data) {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a 64
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return buffer;
}

}  // namespace

std::string_view app_script() { return kAppScript.substr(1); }  // without the leading newline

const std::string& app_script_version() {
  static const std::string version = hash_hex(app_script());
  return version;
}

const std::string& app_script_url() {
  static const std::string url = "/static/app.js?v=" + app_script_version();
  return url;
}

}  // namespace pkgstats::render
