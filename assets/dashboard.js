// The dashboard's only script, served as a file (the Content-Security-Policy allows no inline script). Every
// page works without it; it only saves clicks and shows times in the reader's own time zone.
'use strict';

document.addEventListener('DOMContentLoaded', function () {
  // Filters: a choice in a select applies at once; empty fields stay out of the URL.
  document.querySelectorAll('form[data-filters]').forEach(function (form) {
    form.querySelectorAll('select').forEach(function (select) {
      select.addEventListener('change', function () {
        if (typeof form.requestSubmit === 'function') form.requestSubmit();
        else form.submit();
      });
    });
    form.addEventListener('submit', function () {
      form.querySelectorAll('select, input').forEach(function (field) {
        if (field.name && field.value === '') field.disabled = true;
      });
    });
  });

  // Times come in UTC from the server; show them in the browser's time zone, UTC on hover.
  document.querySelectorAll('time[datetime]').forEach(function (time) {
    var date = new Date(time.getAttribute('datetime'));
    if (isNaN(date.getTime())) return;
    time.title = time.textContent + ' (UTC)';
    time.textContent = date.toLocaleString(undefined, {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
    });
  });
});
