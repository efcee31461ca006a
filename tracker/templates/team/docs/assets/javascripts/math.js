// Render the math that pymdownx.arithmatex (generic mode) leaves as \(...\) and \[...\]
// with the KaTeX copy vendored at build time: no CDN, nothing fetched at page view.
// Material's instant navigation swaps pages without a reload, so render on every page event.
function renderTeamMath(root) {
  if (typeof renderMathInElement !== "function") {
    return;
  }
  root.querySelectorAll(".arithmatex").forEach(function (element) {
    renderMathInElement(element, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    });
  });
}

if (typeof document$ !== "undefined") {
  document$.subscribe(function (event) {
    renderTeamMath(event.body || document.body);
  });
} else {
  document.addEventListener("DOMContentLoaded", function () {
    renderTeamMath(document.body);
  });
}
