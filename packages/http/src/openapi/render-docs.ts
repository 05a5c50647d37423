import { escapeHtml } from '../dashboard/html';
import type { OpenApiDocument, OperationObject, ParameterObject, ReferenceObject, ResponseObject, SchemaObject } from './openapi-types';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function refName(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

/** A schema as a short type expression: `Webhook`, `string (uuid)`, `array of Delivery`, `object {a, b}`. */
function typeText(schema: SchemaObject | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return `<a href="#schema-${escapeHtml(refName(schema.$ref))}">${escapeHtml(refName(schema.$ref))}</a>`;
  if (schema.anyOf) return schema.anyOf.map(typeText).join(' | ');
  if (schema.enum) return schema.enum.map((value) => `<code>${escapeHtml(String(value))}</code>`).join(' | ');
  if (schema.const !== undefined) return `<code>${escapeHtml(String(schema.const))}</code>`;
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type;
  if (type === 'array') return `array of ${typeText(schema.items)}`;
  if (type === 'object' && schema.properties) return 'object';
  return escapeHtml(`${type ?? 'any'}${schema.format ? ` (${schema.format})` : ''}`);
}

/** Paragraphs with `code` spans and **bold**, from the document's descriptions. */
function prose(text: string | undefined): string {
  if (!text) return '';
  return text
    .split(/\n\n+/)
    .map(
      (paragraph) =>
        `<p>${escapeHtml(paragraph)
          .replace(/`([^`]+)`/g, '<code>$1</code>')
          .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')}</p>`,
    )
    .join('');
}

function propertiesTable(schema: SchemaObject): string {
  const properties = schema.properties;
  if (!properties) return `<p class="type">${typeText(schema)}</p>`;
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(properties)
    .map(
      ([name, property]) =>
        `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}</td><td>${typeText(property)}</td><td>${prose(property.description)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>Field</th><th>Type</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
}

function parametersTable(parameters: ParameterObject[]): string {
  const rows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code> <span class="in">${p.in}</span>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${typeText(p.schema)}</td><td>${prose(p.description)}</td></tr>`,
    )
    .join('');
  return `<h4>Parameters</h4><table><tbody>${rows}</tbody></table>`;
}

function responseList(document: OpenApiDocument, responses: Record<string, ResponseObject | ReferenceObject>): string {
  const items = Object.entries(responses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, response]) => {
      const resolved = '$ref' in response ? document.components.responses[refName(response.$ref)] : response;
      const media = resolved?.content ? Object.values(resolved.content)[0] : undefined;
      return `<li><span class="status s${status[0]}">${escapeHtml(status)}</span> ${escapeHtml(resolved?.description ?? '')}${media ? ` — ${typeText(media.schema)}` : ''}</li>`;
    })
    .join('');
  return `<h4>Responses</h4><ul class="responses">${items}</ul>`;
}

function operationSection(document: OpenApiDocument, method: string, path: string, op: OperationObject): string {
  const body = op.requestBody ? Object.entries(op.requestBody.content)[0] : undefined;
  return `<section class="op" id="${escapeHtml(op.operationId)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(op.summary)}</p>
${prose(op.description)}
${op.parameters?.length ? parametersTable(op.parameters) : ''}
${body ? `<h4>Body <span class="in">${escapeHtml(body[0])}</span></h4>${propertiesTable(body[1].schema)}` : ''}
${responseList(document, op.responses)}
</section>`;
}

/** The OpenAPI document as one self-contained HTML page: no script, no outside resource. */
export function renderDocsPage(document: OpenApiDocument): string {
  const byTag = new Map<string, string[]>(document.tags.map((tag) => [tag.name, []]));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)?.push(operationSection(document, method, path, op));
    }
  }
  const nav = [...byTag.keys()]
    .map((tag) => `<li><a href="#tag-${escapeHtml(tag.replace(/\s+/g, '-'))}">${escapeHtml(tag)}</a></li>`)
    .join('');
  const sections = [...byTag.entries()]
    .map(([tag, ops]) => {
      const description = document.tags.find((t) => t.name === tag)?.description;
      return `<h2 id="tag-${escapeHtml(tag.replace(/\s+/g, '-'))}">${escapeHtml(tag)}</h2>${prose(description)}${ops.join('\n')}`;
    })
    .join('\n');
  const schemas = Object.entries(document.components.schemas)
    .map(
      ([name, schema]) =>
        `<section class="op" id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${propertiesTable(schema)}</section>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} API ${escapeHtml(document.info.version)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 14rem 1fr; color: #1d232b; }
  nav { position: sticky; top: 0; height: 100vh; overflow: auto; background: #f3f5f8; padding: 1rem; box-sizing: border-box; }
  nav ul { list-style: none; padding: 0; }
  nav a { color: #2452b8; text-decoration: none; line-height: 1.8; }
  main { padding: 1rem 2rem 4rem; max-width: 62rem; }
  .op { border: 1px solid #dde2e8; border-radius: 6px; padding: .2rem 1rem .6rem; margin: 1rem 0; }
  .method { display: inline-block; min-width: 4.2rem; text-align: center; border-radius: 4px; color: #fff; font-size: .8rem; padding: .15rem .3rem; }
  .get { background: #2f7d4f; } .post { background: #2452b8; } .put { background: #8a5a00; } .patch { background: #6b4bb8; } .delete { background: #b3261e; }
  .summary { font-weight: 600; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  td, th { border-top: 1px solid #e6e9ee; padding: .3rem .4rem; vertical-align: top; text-align: left; }
  td p { margin: 0; }
  .req { color: #b3261e; font-size: .75rem; } .in { color: #69727d; font-size: .75rem; }
  .status { font-family: ui-monospace, monospace; font-weight: 600; } .s2 { color: #2f7d4f; } .s3 { color: #2452b8; } .s4 { color: #b3261e; } .s5 { color: #8a5a00; }
  code { font-family: ui-monospace, monospace; font-size: .9em; }
</style>
</head>
<body>
<nav><strong>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</strong><ul>${nav}<li><a href="#schemas">Schemas</a></li><li><a href="/docs/openapi.json">openapi.json</a></li></ul></nav>
<main>
<h1>${escapeHtml(document.info.title)} API</h1>
${prose(document.info.description)}
${sections}
<h2 id="schemas">Schemas</h2>
${schemas}
</main>
</body>
</html>
`;
}
