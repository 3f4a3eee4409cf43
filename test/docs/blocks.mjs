// Finds the ```sh blocks of a Markdown file, in order, and which of them are marked as not
// runnable in a test: an info string with `no-test` (```sh no-test) or an HTML comment
// `<!-- no-test: reason -->` on the line just before the fence.

const FENCE = /^```(\S*)\s*(.*)$/;
const NO_TEST_COMMENT = /^<!--\s*no-test\b:?\s*(.*?)\s*-->$/;

/** @returns {{ line: number, code: string, skip: string | null }[]} */
export function shellBlocks(markdown) {
  const lines = markdown.split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const close = lines.findIndex((line, j) => j > i && line.startsWith("```"));
    if (close === -1) throw new Error(`unclosed code fence at line ${i + 1}`);
    const [, lang, info] = open;
    if (lang === "sh" || lang === "bash") {
      const previous = i > 0 ? NO_TEST_COMMENT.exec(lines[i - 1].trim()) : null;
      const skip = /\bno-test\b/.test(info)
        ? info.replace(/\bno-test\b:?\s*/, "").trim() || "marked no-test"
        : previous
          ? previous[1] || "marked no-test"
          : null;
      blocks.push({ line: i + 1, code: lines.slice(i + 1, close).join("\n"), skip });
    }
    i = close;
  }
  return blocks;
}
