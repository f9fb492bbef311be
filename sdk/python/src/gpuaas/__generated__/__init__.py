# Generated from platform/contract/openapi.yaml by `npm run codegen` (sdk/python/scripts/codegen.ts). Do not edit.
"""Models and request builders generated from the platform's OpenAPI document."""
