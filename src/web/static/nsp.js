/*
 * nsp: a little progressive behaviour. Every page works without it.
 * - Fields marked data-show-if="name=value" are shown only while that choice
 *   is made (e.g. the denial fields of the complementarity basis).
 * - The error summary of a form that came back is focused, so that screen
 *   readers and keyboard users start where the problem is.
 * - A table wider than its box (.table-wrap) is marked "scrolls" (and
 *   "at-end" once scrolled to its end): the style sheet then fades its edge,
 *   so that what is hidden sideways is seen to be there.
 */
(function () {
	"use strict";

	function valueOf(form, name) {
		var inputs = form.querySelectorAll("[name]");
		for (var i = 0; i < inputs.length; i++) {
			var el = inputs[i];
			if (el.name !== name) continue;
			if ((el.type === "radio" || el.type === "checkbox")) {
				if (el.checked) return el.value;
			} else {
				return el.value;
			}
		}
		return "";
	}

	function update(form) {
		var deps = form.querySelectorAll("[data-show-if]");
		for (var i = 0; i < deps.length; i++) {
			var rule = deps[i].getAttribute("data-show-if").split("=");
			/* A field with an error stays visible, whatever is chosen. */
			var keep = deps[i].classList.contains("has-error");
			deps[i].hidden = !keep && valueOf(form, rule[0]) !== rule[1];
		}
	}

	document.addEventListener("DOMContentLoaded", function () {
		var forms = document.querySelectorAll("form");
		for (var i = 0; i < forms.length; i++) {
			if (!forms[i].querySelector("[data-show-if]")) continue;
			(function (form) {
				form.addEventListener("change", function () { update(form); });
				update(form);
			})(forms[i]);
		}
		var summary = document.querySelector(".error-summary");
		if (summary) summary.focus();
		var wraps = document.querySelectorAll(".table-wrap");
		function mark(w) {
			var wide = w.scrollWidth > w.clientWidth + 1;
			w.classList.toggle("scrolls", wide);
			w.classList.toggle("at-end", wide && w.scrollLeft + w.clientWidth >= w.scrollWidth - 1);
		}
		for (var k = 0; k < wraps.length; k++) {
			(function (w) {
				w.addEventListener("scroll", function () { mark(w); });
				mark(w);
			})(wraps[k]);
		}
		window.addEventListener("resize", function () {
			for (var k = 0; k < wraps.length; k++) mark(wraps[k]);
		});
	});
})();
