import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Imports a folder of provider/ may not make: the layers only depend downwards. */
const layer = (message, ...patterns) => ({
  "no-restricted-imports": ["error", { patterns: [{ group: patterns, message }] }],
});
const ABOVE_MODEL = ["**/engine/*", "**/providers/*", "**/providers/**", "**/resources/*", "**/lookups", "**/index"];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".pulumi-state/", ".test-tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["provider/model/**/*.ts"],
    rules: layer(
      "provider/model is pure: no engine client, no Pulumi runtime, nothing from the layers above it",
      "dockerode",
      "ssh2",
      "@pulumi/*",
      ...ABOVE_MODEL,
    ),
  },
  {
    files: ["provider/engine/**/*.ts"],
    rules: layer(
      "provider/engine is the engine I/O: it uses provider/model only",
      "@pulumi/*",
      "**/providers/*",
      "**/providers/**",
      "**/resources/*",
      "**/lookups",
      "**/index",
    ),
  },
  {
    files: ["provider/providers/**/*.ts"],
    rules: layer(
      "provider/providers (the dynamic providers) use provider/model and provider/engine, never the resources users construct",
      "**/resources/*",
      "**/lookups",
      "**/index",
    ),
  },
  {
    files: ["provider/resources/**/*.ts"],
    rules: layer(
      "provider/resources declare resources: engine I/O happens in the providers they name",
      "dockerode",
      "ssh2",
      "**/engine/*",
    ),
  },
);
