// N-API binding for the tree-sitter-nix grammar.
// The npm release of tree-sitter-nix ships a nan binding that tree-sitter 0.25
// rejects ("Invalid language object"); tree-sitter 0.25 expects a type-tagged
// External holding the TSLanguage pointer, which is what this exports.
#include <napi.h>

typedef struct TSLanguage TSLanguage;
extern "C" TSLanguage *tree_sitter_nix();

// Must match the tag tree-sitter's node binding checks for.
static const napi_type_tag LANGUAGE_TYPE_TAG = {0x8AF2E5212AD58ABF, 0xD5006CAD83ABBA16};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports["name"] = Napi::String::New(env, "nix");
  auto language = Napi::External<TSLanguage>::New(env, tree_sitter_nix());
  language.TypeTag(&LANGUAGE_TYPE_TAG);
  exports["language"] = language;
  return exports;
}

NODE_API_MODULE(tree_sitter_nix_binding, Init)
