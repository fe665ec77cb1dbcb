// The appointment's confirmation page: its print button (a script file: the CSP allows no
// inline script).
(function () {
  "use strict";
  const button = document.getElementById("print-confirmation");
  if (button) {
    button.addEventListener("click", () => window.print());
  }
})();
