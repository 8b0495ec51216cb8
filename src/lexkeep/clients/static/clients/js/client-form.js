/* Client form: show the fields of the chosen type only. Without this script
   every field shows and the server refuses what does not belong. */
(function () {
  "use strict";
  var form = document.querySelector("[data-client-form]");
  if (!form) { return; }
  var required = JSON.parse(form.getAttribute("data-required") || "{}");

  function currentType() {
    var checked = form.querySelector("input[name=client_type]:checked");
    return checked ? checked.value : "";
  }

  function apply() {
    var type = currentType();
    form.querySelectorAll("[data-for]").forEach(function (input) {
      var field = input.closest(".field");
      if (!field) { return; }
      var show = input.getAttribute("data-for").split(" ").indexOf(type) !== -1;
      field.hidden = !show;
    });
    form.querySelectorAll("[data-section-for]").forEach(function (section) {
      var show = section.getAttribute("data-section-for").split(" ").indexOf(type) !== -1;
      section.hidden = !show;
    });
    var needed = required[type] || [];
    form.querySelectorAll(".field[data-field]").forEach(function (field) {
      var label = field.querySelector("label, legend");
      if (label) {
        label.classList.toggle("req", needed.indexOf(field.getAttribute("data-field")) !== -1);
      }
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "client_type") { apply(); }
  });
  apply();
})();
