/**
 * @tak-ps/node-cot ships its TypeScript sources as its types, which do not compile under this project's
 * settings (its ajv import); relto imports its compiled build through this minimal declaration of the part
 * it uses (the reference parser in tests and benches).
 */
declare module '@tak-ps/node-cot/dist/index.js' {
  type XmlJsAttributes = Record<string, string>;
  interface XmlJsEvent {
    _attributes: XmlJsAttributes;
    point: { _attributes: XmlJsAttributes };
    detail?: Record<string, unknown>;
  }
  export default class CoT {
    constructor(cot: string | Buffer);
    raw: { event: XmlJsEvent };
    to_xml(): string;
    static ping(): CoT;
  }
}
