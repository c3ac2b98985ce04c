// The workbench's words: one language at a time, from workbench.i18n.json (the same keys in
// Chinese and English), and the small DOM helper every module writes text with
// (textContent, never HTML). Loaded first: it creates the WB namespace.
"use strict";
var WB = window.WB = {
  dict: {zh: {}, en: {}},
  lang: "zh",
  core: {},  // what the modules offer each other (api, state, drawing, actions)
};

WB.t = function (key) {
  var d = WB.dict[WB.lang] || {};
  return d[key] !== undefined ? d[key] : key;
};
// a relationship type or label in the current language (the code itself when unknown)
WB.term = function (code) { return WB.t("T_" + code) === "T_" + code ? code : WB.t("T_" + code); };
WB.arrow = function (dir) { return dir === "out" ? "→" : dir === "in" ? "←" : "↔"; };

WB.applyLang = function () {
  document.documentElement.lang = WB.lang;
  document.querySelectorAll("[data-i18n]").forEach(function (el) {
    el.textContent = WB.t(el.getAttribute("data-i18n"));
  });
  document.querySelectorAll("[data-i18n-ph]").forEach(function (el) {
    el.placeholder = WB.t(el.getAttribute("data-i18n-ph"));
  });
  document.querySelectorAll("[data-i18n-title]").forEach(function (el) {
    el.title = WB.t(el.getAttribute("data-i18n-title"));
  });
  document.title = "guanxi " + WB.t("title");
};

WB.el = function (tag, text, cls) {
  var e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
};

