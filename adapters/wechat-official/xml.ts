import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { utf8Bytes } from '../plain-text/split.ts';

/**
 * WeChat's XML, read safely: size capped, no DOCTYPE/ENTITY declarations (no entity expansion, no
 * external entities), well-formedness checked, every value a string (a 64-bit MsgId must not
 * become a rounded number). Writing: CDATA for text, so users' `<` and `&` travel untouched.
 */
export class WechatXmlError extends Error {
  override name = 'WechatXmlError';
  constructor(
    message: string,
    readonly kind: 'too_large' | 'forbidden' | 'malformed',
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_XML_BYTES = 16 * 1024;
const FORBIDDEN = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)|<\?xml-stylesheet/i;

const parser = new XMLParser({
  processEntities: false,
  parseTagValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
});

export type XmlFields = Record<string, unknown>;

/** The fields under the `<xml>` root. */
export function parseWechatXml(body: string, maxBytes = DEFAULT_MAX_XML_BYTES): XmlFields {
  if (utf8Bytes(body) > maxBytes) throw new WechatXmlError(`wechat-xml: body larger than ${maxBytes} bytes`, 'too_large');
  if (FORBIDDEN.test(body)) throw new WechatXmlError('wechat-xml: DOCTYPE and entity declarations are refused', 'forbidden');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new WechatXmlError(`wechat-xml: malformed XML (${valid.err.msg})`, 'malformed');
  const parsed: unknown = parser.parse(body);
  const root = (parsed as { xml?: unknown } | undefined)?.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new WechatXmlError('wechat-xml: expected an <xml> root element', 'malformed');
  return root as XmlFields;
}

/**
 * The `Encrypt` field of a callback body, found without parsing: the signature over it is checked
 * before the XML parser sees anything. Base64 only, so a pattern is exact.
 */
export function extractEncrypt(body: string): string | undefined {
  const match = /<Encrypt>\s*(?:<!\[CDATA\[([A-Za-z0-9+/=]+)\]\]>|([A-Za-z0-9+/=]+))\s*<\/Encrypt>/.exec(body);
  return match?.[1] ?? match?.[2];
}

const cdata = (text: string) => `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** `<xml>` with one element per field: numbers bare, strings in CDATA. */
export function buildWechatXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => `<${name}>${typeof value === 'number' ? String(value) : cdata(value)}</${name}>`)
    .join('');
  return `<xml>${body}</xml>`;
}
