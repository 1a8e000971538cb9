#!/usr/bin/env node
/**
 * The provider plugin's executable: the Pulumi CLI starts it (as `pulumi-resource-docker-networking`,
 * the launcher in the plugin's tarball) for programs in Python, YAML and the other languages.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "@pulumi/pulumi/provider";
import { pluginProvider } from "./adapter";

const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../package.json"), "utf8"));
const schema = fs.readFileSync(path.join(__dirname, "schema.json"), "utf8");
main(pluginProvider(version, schema), process.argv.slice(2)).catch((err: Error) => {
  console.error(`pulumi-resource-docker-networking: ${err.message}`);
  process.exit(1);
});
