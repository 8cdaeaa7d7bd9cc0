// HashiCorp's HCL parser (Go, via @cdktf/hcl2json's WebAssembly build) as a line server:
// each stdin line is a JSON string of HCL text; each stdout line is {"ok": json} or {"error": message}.
// One node process serves a whole test session, so every hypothesis example costs one parse.
const path = require("path");
const readline = require("readline");
const modules = process.argv[2];
const hcl2json = require(path.join(modules, "@cdktf/hcl2json"));
const lines = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    try {
      const parsed = await hcl2json.parse("input.tf", JSON.parse(line));
      process.stdout.write(JSON.stringify({ ok: parsed }) + "\n");
    } catch (err) {
      process.stdout.write(JSON.stringify({ error: String(err) }) + "\n");
    }
  });
});
