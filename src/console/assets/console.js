// quota-manager console: small enhancements over pages that work without JavaScript.
// (1) confirmation dialogs on write forms, (2) the 30-day chart (uPlot, loaded on demand),
// (3) function-name completion in the condition editor, (4) CSRF header for htmx requests,
// (5) the strategy form's amount label follows the grant mode chosen.
(function () {
  'use strict';

  // (1) Forms with data-confirm ask first; the server would otherwise show a confirmation page.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (!question || form.querySelector('input[name="confirmed"]')) return;
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    var confirmed = document.createElement('input');
    confirmed.type = 'hidden';
    confirmed.name = 'confirmed';
    confirmed.value = 'yes';
    form.appendChild(confirmed);
    // A submit button's name/value pair (resolution=applied) must survive the added field.
    if (event.submitter && event.submitter.name) {
      var chosen = document.createElement('input');
      chosen.type = 'hidden';
      chosen.name = event.submitter.name;
      chosen.value = event.submitter.value;
      form.appendChild(chosen);
    }
  });

  // (4) htmx requests carry the session's CSRF token (read from any form on the page).
  document.addEventListener('htmx:configRequest', function (event) {
    var token = document.querySelector('input[name="_csrf"]');
    if (token) event.detail.headers['X-CSRF-Token'] = token.value;
  });

  // (2) The chart: uPlot and its CSS are fetched only on the overview, from this server.
  function drawChart(host) {
    var data = JSON.parse(host.getAttribute('data-chart'));
    if (!data.series.length) return;
    // Beside console.css, wherever the console is mounted.
    var base = document
      .querySelector('link[href$="console.css"]')
      .href.replace(/console\.css$/, '');
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = base + 'uPlot.min.css';
    document.head.appendChild(css);
    var script = document.createElement('script');
    script.src = base + 'uPlot.iife.min.js';
    script.onload = function () {
      var palette = [
        '#0b57d0',
        '#b3261e',
        '#146c2e',
        '#7d5260',
        '#e8710a',
        '#5b5fc7',
        '#00796b',
        '#6d4c41',
      ];
      var xs = data.days.map(function (d) {
        return Date.parse(d + 'T00:00:00Z') / 1000;
      });
      // The axis names come with the page, in its language.
      var series = [{ label: host.getAttribute('data-axis-day') }].concat(
        data.series.map(function (s, i) {
          return { label: s.name, stroke: palette[i % palette.length], width: 2 };
        }),
      );
      var width = Math.max(280, host.clientWidth);
      new window.uPlot(
        {
          width: width,
          height: 260,
          series: series,
          axes: [{}, { label: host.getAttribute('data-axis-amount') }],
        },
        [xs].concat(
          data.series.map(function (s) {
            return s.values;
          }),
        ),
        host,
      );
      host.setAttribute('data-drawn', 'true');
    };
    document.head.appendChild(script);
  }

  // (3) Completion: type the start of a function name, pick with ↑/↓ and Enter or Tab.
  function completion(area) {
    var fns = JSON.parse(area.getAttribute('data-functions') || '[]');
    var list = document.createElement('ul');
    list.className = 'suggest';
    list.id = 'condition-suggestions';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    area.setAttribute('aria-controls', list.id);
    area.parentNode.insertBefore(list, area.nextSibling);
    var matches = [];
    var selected = 0;
    function word() {
      var before = area.value.slice(0, area.selectionStart);
      var m = /[a-z][a-z0-9-]*$/i.exec(before);
      return m ? m[0] : '';
    }
    function render() {
      list.innerHTML = '';
      matches.forEach(function (f, i) {
        var item = document.createElement('li');
        item.setAttribute('role', 'option');
        item.setAttribute('aria-selected', String(i === selected));
        item.textContent = f.signature;
        item.addEventListener('mousedown', function (e) {
          e.preventDefault();
          selected = i;
          accept();
        });
        list.appendChild(item);
      });
      list.hidden = matches.length === 0;
    }
    function update() {
      var w = word();
      matches =
        w.length < 2
          ? []
          : fns
              .filter(function (f) {
                return f.name.indexOf(w) === 0 && f.name !== w;
              })
              .slice(0, 8);
      selected = 0;
      render();
    }
    function accept() {
      var f = matches[selected];
      if (!f) return;
      var start = area.selectionStart - word().length;
      area.setRangeText(f.name + '(', start, area.selectionStart, 'end');
      matches = [];
      render();
      area.dispatchEvent(new Event('input', { bubbles: true }));
    }
    area.addEventListener('input', update);
    area.addEventListener('blur', function () {
      matches = [];
      render();
    });
    area.addEventListener('keydown', function (e) {
      if (list.hidden) return;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        selected = (selected + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
        render();
        e.preventDefault();
      } else if (e.key === 'Enter' || e.key === 'Tab') {
        accept();
        e.preventDefault();
      } else if (e.key === 'Escape') {
        matches = [];
        render();
      }
    });
  }

  // (5) The server labels the amount by the mode it rendered; a new choice relabels it at once.
  function followMode(select, meaning) {
    var labels = JSON.parse(meaning.getAttribute('data-amount-labels'));
    var label = document.querySelector('label[for="amount"]');
    select.addEventListener('change', function () {
      if (label && labels[select.value]) label.textContent = labels[select.value];
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var mode = document.getElementById('mode');
    var meaning = document.getElementById('amount-meaning');
    if (mode && meaning) followMode(mode, meaning);
    var chart = document.getElementById('chart');
    if (chart) drawChart(chart);
    var area = document.querySelector('textarea[data-functions]');
    if (area) completion(area);
  });
})();
