{
  "targets": [
    {
      "target_name": "tree_sitter_nix_binding",
      "variables": {
        "grammar_src": "<!(node sources.cjs)"
      },
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "include_dirs": ["<(grammar_src)"],
      "sources": [
        "binding.cc",
        "<(grammar_src)/parser.c",
        "<(grammar_src)/scanner.c"
      ],
      "cflags_c": ["-std=c11", "-O2"],
      "cflags_cc": ["-O2"]
    }
  ]
}
