import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { spec } from '../schema/openapi';

/*
 * Checks API responses against src/schema/openapi.yaml: status code declared
 * for the operation (or `default`), and body valid against the declared
 * schema. (`wrapServer` from @backstage/backend-openapi-utils does the same
 * through a proxy that forwards to `localhost` over IPv6, which machines
 * without an IPv6 localhost cannot reach.)
 */

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec as any, 'spec');

const operations = Object.keys(spec.paths).map(template => ({
  template,
  regex: new RegExp(
    `^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`,
  ),
  literalSegments: template.split('/').filter(s => s && !s.startsWith('{'))
    .length,
}));

function pointerEscape(text: string) {
  return text.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Problems of one response; empty when it matches the spec. */
export function specProblems(
  method: string,
  pathAndQuery: string,
  status: number,
  contentType: string | undefined,
  body: unknown,
): string[] {
  const path = pathAndQuery.split('?')[0];
  const candidates = operations
    .filter(op => op.regex.test(path))
    .filter(op => (spec.paths as any)[op.template][method.toLowerCase()])
    .sort((a, b) => b.literalSegments - a.literalSegments);
  if (candidates.length === 0) {
    return [`${method} ${path}: no operation in the spec`];
  }
  const template = candidates[0].template;
  const operation = (spec.paths as any)[template][method.toLowerCase()];
  const code = operation.responses[String(status)] ? String(status) : 'default';
  const response = operation.responses[code];
  if (!response) {
    return [`${method} ${template}: status ${status} is not declared`];
  }
  const content = response.$ref
    ? (spec as any).components.responses[response.$ref.split('/').pop()].content
    : response.content;
  if (!content) return [];
  const mediaType = (contentType ?? '').split(';')[0].trim();
  if (!content[mediaType]) {
    return [
      `${method} ${template} ${status}: content type ${mediaType} is not declared`,
    ];
  }
  const pointer = response.$ref
    ? `spec#/components/responses/${response.$ref
        .split('/')
        .pop()}/content/${pointerEscape(mediaType)}/schema`
    : `spec#/paths/${pointerEscape(
        template,
      )}/${method.toLowerCase()}/responses/${code}/content/${pointerEscape(
        mediaType,
      )}/schema`;
  const validate = ajv.getSchema(pointer);
  if (!validate) return [`${pointer}: schema not found`];
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    e =>
      `${method} ${template} ${status}: ${e.instancePath || '(body)'} ${
        e.message
      }`,
  );
}

/**
 * A supertest agent whose every response is checked against the spec;
 * problems are appended to `problems` (assert it stays empty).
 */
export function specCheckedRequest(
  request: (server: any) => any,
  server: any,
  problems: string[],
  checked: { count: number } = { count: 0 },
  basePath = '/api/mesh-readiness',
) {
  const agent = request(server);
  return new Proxy(agent, {
    get(target, prop) {
      const value = target[prop];
      if (
        typeof value !== 'function' ||
        !['get', 'post'].includes(String(prop))
      ) {
        return value;
      }
      return (url: string) => {
        const test = value.call(target, url);
        test.on('response', (res: any) => {
          checked.count += 1;
          const isJson = /json/.test(res.headers['content-type'] ?? '');
          problems.push(
            ...specProblems(
              String(prop),
              url.startsWith(basePath) ? url.slice(basePath.length) : url,
              res.status,
              res.headers['content-type'],
              isJson ? res.body : res.text,
            ),
          );
        });
        return test;
      };
    },
  });
}
