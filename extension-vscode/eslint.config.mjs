import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "out/", "node_modules/", "*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.ts", "test/**/*.ts"],
    rules: {
      curly: "error",
      eqeqeq: ["error", "smart"],
      "no-console": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-floating-promises": "off",
    },
  },
  {
    // The pure modules are what the unit tests cover without VS Code: keep them free of it.
    files: ["src/common/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: ["vscode", "vscode-languageclient", "vscode-languageclient/node", "@vscode/python-extension"] }],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
