/* Starts Swagger UI on /api/v1/docs (a file of our own: the CSP allows no inline script). */
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: target.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: false,  // its anchors sit inside the summary button (nested controls)
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    queryConfigEnabled: false,
    syntaxHighlight: false, // its colour themes fall below 4.5:1 contrast
    withCredentials: false
  });
});
