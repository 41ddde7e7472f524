import { FIELDS, type FieldSpec, fieldForError, fieldId, SECTIONS } from "./fields.ts";
import { type RawScenario, textOfValue, valueAt } from "./scenario-edit.ts";
import { escapeHtml } from "./views.ts";

// The scenario form, drawn from the field list: labelled inputs, help in their tooltips, the source
// of a chosen preset under it, and the scenario's own error messages next to the field they name.

function fieldHtml(field: FieldSpec): string {
  const id = fieldId(field.path);
  const help = escapeHtml(field.help);
  const described = `aria-describedby="${id}-source ${id}-error"`;
  const control =
    field.kind === "select"
      ? `<select id="${id}" name="${field.path}" title="${help}" ${described}>${(field.choices ?? [])
          .map((c) => `<option value="${escapeHtml(c.value)}">${escapeHtml(c.label)}</option>`)
          .join("")}</select>`
      : `<input id="${id}" name="${field.path}" type="text" title="${help}" ${described}` +
        `${field.kind === "number" ? ' inputmode="decimal" autocomplete="off"' : ""}` +
        `${field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : ""} />`;
  return (
    `<div class="field"><label for="${id}" title="${help}">${escapeHtml(field.label)}</label>${control}` +
    `<small class="source" id="${id}-source"></small>` +
    `<span class="field-error" id="${id}-error" hidden></span></div>`
  );
}

export function formHtml(): string {
  return SECTIONS.map((section) => {
    const { fields: basic, more: advanced } = section;
    const more =
      advanced.length === 0
        ? ""
        : `<details id="${section.id}-more"><summary>${basic.length === 0 ? "Set" : "More"} ${escapeHtml(
            section.legend.replace(/ \(.*\)$/, "").toLowerCase(),
          )} fields</summary>${advanced.map(fieldHtml).join("")}</details>`;
    return `<fieldset id="section-${section.id}"><legend>${escapeHtml(section.legend)}</legend>${basic
      .map(fieldHtml)
      .join("")}${more}</fieldset>`;
  }).join("");
}

const control = (form: HTMLFormElement, field: FieldSpec) =>
  form.querySelector(`#${fieldId(field.path)}`) as HTMLInputElement | HTMLSelectElement;

const OWN_SECTION_SOURCE = "A section of one's own: edit it in the scenario file (YAML) below.";

function showSource(form: HTMLFormElement, field: FieldSpec): void {
  const source = form.querySelector(`#${fieldId(field.path)}-source`) as HTMLElement;
  const element = control(form, field);
  if (element instanceof HTMLSelectElement && element.selectedOptions[0]?.dataset.own !== undefined) {
    source.textContent = OWN_SECTION_SOURCE;
    return;
  }
  const chosen = field.choices?.find((c) => c.value === element.value);
  source.textContent = chosen?.source ? `Source: ${chosen.source}` : "";
}

/** Longer flow YAML than this shows as the section's name in a select. */
const SHORT_SECTION = 48;

/** A select's label for a section of one's own (an accelerator, a fitted stack): short, or its name. */
function ownSectionLabel(value: Record<string, unknown>, text: string): string {
  if (text.length <= SHORT_SECTION) return text;
  const name = [value.name, value.preset, value.basedOn].find((v) => typeof v === "string");
  return `${name ?? "custom"} (own section)`;
}

/**
 * Puts the scenario's values in the fields (a select keeps a value it lacks as an extra option: a
 * section of one's own shows by its name); the field being typed in (`except`) keeps the user's text.
 */
export function writeForm(form: HTMLFormElement, raw: RawScenario, except?: string): void {
  for (const field of FIELDS) {
    if (field.path === except) continue;
    const element = control(form, field);
    const value = valueAt(raw, field.path);
    const text = textOfValue(value);
    if (element instanceof HTMLSelectElement) {
      // An own section no longer in the scenario goes; the one now in it is added.
      for (const option of [...element.options]) {
        if (option.dataset.own !== undefined && option.value !== text) option.remove();
      }
      if (![...element.options].some((o) => o.value === text)) {
        const own = typeof value === "object" && value !== null && !Array.isArray(value);
        const option = new Option(own ? ownSectionLabel(value as Record<string, unknown>, text) : text, text);
        if (own) option.dataset.own = "";
        element.add(option);
      }
    }
    element.value = text;
    showSource(form, field);
  }
}

export function sourceChanged(form: HTMLFormElement, path: string): void {
  const field = FIELDS.find((f) => f.path === path);
  if (field) showSource(form, field);
}

export function clearFieldErrors(form: HTMLFormElement): void {
  for (const element of form.querySelectorAll("[aria-invalid]")) element.removeAttribute("aria-invalid");
  for (const element of form.querySelectorAll<HTMLElement>(".field-error")) {
    element.hidden = true;
    element.textContent = "";
  }
}

/** Shows a scenario error at its field, unfolding it; false when no field matches the error's path. */
export function showFieldError(form: HTMLFormElement, path: string, message: string): boolean {
  const field = fieldForError(path);
  if (!field) return false;
  const element = control(form, field);
  const details = element.closest("details");
  if (details) details.open = true;
  element.setAttribute("aria-invalid", "true");
  const box = form.querySelector(`#${fieldId(field.path)}-error`) as HTMLElement;
  box.textContent = message;
  box.hidden = false;
  return true;
}
