/**
 * Writes the Pulumi package schema of the provider plugin (`pulumi-resource-docker-networking`)
 * from the library's own TypeScript declarations: each resource's `...Args` interface gives its
 * inputs, the `declare readonly` fields of its class its outputs, their TSDoc the descriptions
 * (with `@default` and the docker CLI twin), so the schema cannot drift from the TypeScript API.
 *
 *   ts-node scripts/schema.ts OUT.json
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { PACKAGE, RESOURCES, FUNCTIONS, SECRET_OUTPUTS, type SchemaEntry } from "../provider/plugin/catalog";

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON schema fragments */

const root = path.resolve(__dirname, "..");
const program = ts.createProgram([path.join(root, "provider/index.ts"), path.join(root, "provider/lookups.ts")], {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
});
const checker = program.getTypeChecker();
const types: Record<string, any> = {};

/** The declaration of a named type, resolved through imports and re-exports. */
function declarationOf(name: ts.EntityName): ts.Declaration | undefined {
  let sym = checker.getSymbolAtLocation(name);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
  return sym?.declarations?.[0];
}

/** TSDoc text and `@default` of a declaration, as one description. */
function describe(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  if (!doc) return "";
  const text = ts.getTextOfJSDocComment(doc.comment) ?? "";
  const dflt = doc.tags?.find((t) => t.tagName.text === "default");
  const dfltText = dflt ? ts.getTextOfJSDocComment(dflt.comment) : undefined;
  const plain = text
    .replace(/\{@link (\w+)\}/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return dfltText ? `${plain} Default: ${dfltText.replace(/\s+/g, " ").trim()}.` : plain;
}

/** `{ description }` when the declaration has TSDoc. */
function described(node: ts.Node): { description?: string } {
  const text = describe(node);
  return text ? { description: text } : {};
}

/** The type name a schema object type gets: the interface's name without `Args`. */
const typeToken = (name: string): string => `${PACKAGE}:index:${name.replace(/Args$/, "")}`;

/** The resource whose declarations are being read. */
let current = "";

/** The library's resource classes a property may take, by TypeScript class name. */
function resourceRefs(name: string): string[] | undefined {
  const byClass: Record<string, string[]> = {
    NetworkResource: ["BridgeNetwork", "OverlayNetwork", "MacvlanNetwork", "IpvlanNetwork"],
    // A LAN network's configFrom: configuration networks of its own driver (which also keeps the
    // generated Python modules free of an import circle between the two).
    LanNetwork: [current],
    SwarmOffer: ["SwarmNode", "SwarmCluster"],
  };
  return byClass[name];
}

/** The JSON schema of a TypeScript type node. */
function schemaOf(node: ts.TypeNode, where: string): any {
  if (ts.isParenthesizedTypeNode(node)) return schemaOf(node.type, where);
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string" };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "number" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean" };
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.AnyKeyword:
      return { $ref: "pulumi.json#/Any" };
  }
  if (ts.isLiteralTypeNode(node)) {
    if (ts.isStringLiteral(node.literal)) return { type: "string" };
    if (node.literal.kind === ts.SyntaxKind.FalseKeyword || node.literal.kind === ts.SyntaxKind.TrueKeyword)
      return { type: "boolean" };
  }
  if (ts.isTypeLiteralNode(node)) {
    // An inline object type gets a named one, after where it is (`TopologyHost.swarm`: TopologyHostSwarm).
    const name = where
      .replace(/'s result$/, "Result")
      .replace(/[.\s(]+(\w)/g, (_m, c: string) => c.toUpperCase())
      .replace(/\W/g, "");
    const token = typeToken(name.charAt(0).toUpperCase() + name.slice(1));
    types[token] = { type: "object", ...objectOf(node, where) };
    return { $ref: `#/types/${token}` };
  }
  if (ts.isArrayTypeNode(node)) return { type: "array", items: schemaOf(node.elementType, where) };
  if (ts.isUnionTypeNode(node)) {
    const parts = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword);
    const schemas = parts.map((t) => schemaOf(t, where));
    const distinct = schemas.filter((s, i) => schemas.findIndex((o) => JSON.stringify(o) === JSON.stringify(s)) === i);
    const flat = distinct.flatMap((s) => s.oneOf ?? [s]);
    return flat.length === 1 ? flat[0] : { oneOf: flat };
  }
  if (
    ts.isIndexedAccessTypeNode(node) &&
    ts.isLiteralTypeNode(node.indexType) &&
    ts.isTypeReferenceNode(node.objectType)
  ) {
    const decl = declarationOf(node.objectType.typeName);
    const key = (node.indexType.literal as ts.StringLiteral).text;
    const member =
      decl && ts.isInterfaceDeclaration(decl) ? propertiesOf(decl).find((p) => p.name.getText() === key) : undefined;
    if (member?.type) return schemaOf(member.type, where);
  }
  if (ts.isTypeReferenceNode(node)) {
    const name = ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
    const args = node.typeArguments ?? [];
    if ((name === "Input" || name === "Output" || name === "Promise") && args.length === 1)
      return schemaOf(args[0], where);
    if (name === "Record" && args.length === 2)
      return { type: "object", additionalProperties: schemaOf(args[1], where) };
    if ((name === "Omit" || name === "Partial") && args.length >= 1) return schemaOf(args[0], where);
    const refs = resourceRefs(name);
    if (refs) {
      const schemas = refs.map((r) => ({ $ref: `#/resources/${PACKAGE}:index:${r}` }));
      return schemas.length === 1 ? schemas[0] : { oneOf: schemas };
    }
    const decl = declarationOf(node.typeName);
    if (decl && ts.isTypeAliasDeclaration(decl)) return schemaOf(decl.type, `${where} (${name})`);
    if (decl && ts.isInterfaceDeclaration(decl)) {
      const token = typeToken(name);
      if (!types[token]) {
        types[token] = { type: "object" }; // a placeholder while its properties are read (recursive types)
        types[token] = { type: "object", ...described(decl), ...objectOf(decl) };
      }
      return { $ref: `#/types/${token}` };
    }
  }
  throw new Error(`schema: ${where}: no schema for the TypeScript type \`${node.getText()}\``);
}

/** An interface's properties, its bases' first (`extends`, `Omit<...>` of a base leaving fields out). */
function propertiesOf(decl: ts.InterfaceDeclaration): ts.PropertySignature[] {
  const inherited: ts.PropertySignature[] = [];
  for (const clause of decl.heritageClauses ?? []) {
    for (const base of clause.types) {
      let expr: ts.Node = base.expression;
      let omitted: string[] = [];
      if (ts.isIdentifier(expr) && expr.text === "Omit" && base.typeArguments) {
        const [inner, keys] = base.typeArguments;
        omitted = ts.isUnionTypeNode(keys)
          ? keys.types.map((k) => k.getText().slice(1, -1))
          : [keys.getText().slice(1, -1)];
        expr = (inner as ts.TypeReferenceNode).typeName;
      }
      const baseDecl = declarationOf(expr as ts.EntityName);
      if (baseDecl && ts.isInterfaceDeclaration(baseDecl))
        inherited.push(...propertiesOf(baseDecl).filter((p) => !omitted.includes(p.name.getText())));
    }
  }
  const own = decl.members.filter(ts.isPropertySignature);
  const names = new Set(own.map((p) => p.name.getText()));
  return [...inherited.filter((p) => !names.has(p.name.getText())), ...own];
}

/** The `properties` and `required` of an interface or an inline object type. */
function objectOf(
  decl: ts.InterfaceDeclaration | ts.TypeLiteralNode,
  where = ts.isInterfaceDeclaration(decl) ? decl.name.text : "",
): { properties: any; required?: string[] } {
  const properties: Record<string, any> = {};
  const required: string[] = [];
  const members = ts.isInterfaceDeclaration(decl) ? propertiesOf(decl) : decl.members.filter(ts.isPropertySignature);
  for (const p of members) {
    const name = p.name.getText();
    if (!p.type) continue;
    properties[name] = { ...schemaOf(p.type, `${where}.${name}`), ...described(p) };
    if (!p.questionToken) required.push(name);
  }
  return required.length ? { properties, required } : { properties };
}

/** Whether a declared output may be left out: `Output<T | undefined>`. */
function mayBeUndefined(node: ts.TypeNode): boolean {
  const inner = ts.isTypeReferenceNode(node) && node.typeArguments?.length === 1 ? node.typeArguments[0] : node;
  return ts.isUnionTypeNode(inner) && inner.types.some((t) => t.kind === ts.SyntaxKind.UndefinedKeyword);
}

/** A class's declared outputs: its `declare readonly` (and `readonly` component) fields, its bases' too. */
function outputsOf(decl: ts.ClassDeclaration, secrets: readonly string[]): { properties: any; required: string[] } {
  const properties: Record<string, any> = {};
  const required: string[] = [];
  const base = decl.heritageClauses?.flatMap((c) => c.types)[0];
  const baseDecl = base && declarationOf(base.expression as ts.EntityName);
  const ours = (d: ts.Node): boolean => !d.getSourceFile().fileName.includes("node_modules");
  if (baseDecl && ts.isClassDeclaration(baseDecl) && ours(baseDecl)) {
    const base = outputsOf(baseDecl, secrets);
    Object.assign(properties, base.properties);
    required.push(...base.required);
  }
  for (const m of decl.members) {
    if (!ts.isPropertyDeclaration(m) || !m.type || !ts.isIdentifier(m.name)) continue;
    if (!m.modifiers?.some((x) => x.kind === ts.SyntaxKind.ReadonlyKeyword)) continue;
    if (m.modifiers?.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword))
      continue;
    const name = m.name.text;
    if (m.type.getText().includes("SwarmNode[]")) {
      properties[name] = { type: "array", items: { $ref: `#/resources/${PACKAGE}:index:SwarmNode` }, ...described(m) };
    } else {
      properties[name] = { ...schemaOf(m.type, `${decl.name?.text}.${name}`), ...described(m) };
    }
    if (secrets.includes(name)) properties[name].secret = true;
    if (!mayBeUndefined(m.type)) required.push(name);
  }
  return { properties, required: [...new Set(required)] };
}

/** The exported declaration of `name` in the library. */
function exported(name: string): ts.Declaration {
  const index = program.getSourceFile(path.join(root, "provider/index.ts"))!;
  const sym = checker.getExportsOfModule(checker.getSymbolAtLocation(index)!).find((s) => s.name === name);
  const target = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
  const decl = target?.declarations?.[0];
  if (!decl) throw new Error(`schema: ${name} is not exported by provider/index.ts`);
  return decl;
}

function resourceSpec(entry: SchemaEntry): any {
  current = entry.name;
  const cls = exported(entry.name) as ts.ClassDeclaration;
  const args = exported(`${entry.name}Args`) as ts.InterfaceDeclaration;
  const secrets = SECRET_OUTPUTS[entry.name] ?? [];
  const inputs = objectOf(args);
  const outputs = outputsOf(cls, secrets);
  return {
    description: describe(cls),
    ...(entry.component ? { isComponent: true } : {}),
    inputProperties: inputs.properties,
    ...(inputs.required ? { requiredInputs: inputs.required } : {}),
    properties: outputs.properties,
    ...(outputs.required.length ? { required: outputs.required } : {}),
  };
}

function functionSpec(entry: SchemaEntry): any {
  const fn = exported(entry.name) as ts.FunctionDeclaration;
  const argsType = fn.parameters[0]?.type;
  const argsDecl = argsType && ts.isTypeReferenceNode(argsType) ? declarationOf(argsType.typeName) : undefined;
  const result = fn.type && ts.isTypeReferenceNode(fn.type) ? fn.type.typeArguments?.[0] : undefined;
  const inputs = argsDecl && ts.isInterfaceDeclaration(argsDecl) ? objectOf(argsDecl) : { properties: {} };
  const out = result ? schemaOf(result, `${entry.name}'s result`) : undefined;
  // A function's outputs must be an object: an array or a reference is wrapped as `result`.
  const outputs = out?.$ref?.startsWith("#/types/")
    ? types[out.$ref.slice("#/types/".length)]
    : { type: "object", properties: { result: out }, required: ["result"] };
  return {
    description: describe(fn),
    inputs: { type: "object", ...inputs },
    outputs: {
      type: "object",
      properties: outputs.properties,
      ...(outputs.required ? { required: outputs.required } : {}),
    },
  };
}

export function schema(version: string): any {
  const resources = Object.fromEntries(RESOURCES.map((r) => [`${PACKAGE}:index:${r.name}`, resourceSpec(r)]));
  const functions = Object.fromEntries(FUNCTIONS.map((f) => [`${PACKAGE}:index:${f.name}`, functionSpec(f)]));
  return {
    name: PACKAGE,
    displayName: "Docker Networking",
    version,
    description:
      "Docker networking as Pulumi resources: bridge, overlay, macvlan and ipvlan networks, container and service attachments, swarm membership.",
    keywords: ["pulumi", "docker", "networking", "swarm", "category/infrastructure", "kind/native"],
    license: "Apache-2.0",
    resources,
    functions,
    types,
    language: {
      go: {
        // A module of its own, which a program takes with a replace of its path by the SDK's directory.
        importBasePath: "pulumi-docker-networking/sdk/go/dockernetworking",
        generateResourceContainerTypes: true,
        respectSchemaVersion: true,
      },
      python: {
        packageName: "pulumi_docker_networking",
        respectSchemaVersion: true,
        pyproject: { enabled: true },
        requires: { pulumi: ">=3.0.0,<4.0.0" },
      },
    },
  };
}

if (require.main === module) {
  const out = process.argv[2];
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const text = `${JSON.stringify(schema(pkg.version), null, 2)}\n`;
  if (!out) process.stdout.write(text);
  else {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
  }
}
