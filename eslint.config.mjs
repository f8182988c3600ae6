import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: [
            "node_modules/**",
            "bin/**",
            // The component package's build (its `prepare` script): JavaScript compiled from ours.
            "component-package/bin/**",
            "out/**",
            ".e2e/**",
            "policies/node_modules/**",
            "examples/**/node_modules/**",
        ],
    },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        plugins: { "@pulumi": pulumi },
        rules: {
            // An Output in a template literal prints "Calling [toString] on an Output" instead of its value.
            "@pulumi/no-output-in-template-literal": "error",
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
            ],
        },
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
    },
);
