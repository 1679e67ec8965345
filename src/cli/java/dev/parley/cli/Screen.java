package dev.parley.cli;

import java.io.PrintWriter;
import org.jline.reader.LineReader;
import org.jline.utils.AttributedString;

/**
 * Where the client prints. Whole lines, and streams: the assistant's reply, appended piece by piece to one line
 * as the deltas arrive. Safe to call from any thread.
 */
public interface Screen {
    /** Prints one line (already sanitised and formatted; may hold the client's own colour codes). */
    void line(String text);

    /** Appends {@code piece} to the stream {@code key}, starting it with {@code prefix} when it is new. */
    void stream(String key, String prefix, String piece);

    /** Ends the stream {@code key} (its line is complete). */
    void endStream(String key);

    /** For pipes and dumb terminals: text goes straight to the output, pieces appended in place. */
    final class Plain implements Screen {
        private final PrintWriter out;
        private String open;

        public Plain(PrintWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void line(String text) {
            breakStream();
            out.println(text);
            out.flush();
        }

        @Override
        public synchronized void stream(String key, String prefix, String piece) {
            if (!key.equals(open)) {
                breakStream();
                out.print(prefix);
                open = key;
            }
            out.print(piece);
            out.flush();
        }

        @Override
        public synchronized void endStream(String key) {
            if (key.equals(open)) {
                breakStream();
            }
        }

        private void breakStream() {
            if (open != null) {
                out.println();
                open = null;
            }
        }
    }

    /**
     * For a real terminal with JLine's prompt on its last line: lines are printed above the prompt, and a stream's
     * unfinished last line is redrawn in place (cursor up, erase line) as pieces arrive, so the prompt and what the
     * user is typing stay intact.
     */
    final class Live implements Screen {
        private final LineReader reader;
        private String open;
        private StringBuilder partial = new StringBuilder();
        private boolean partialShown;

        public Live(LineReader reader) {
            this.reader = reader;
        }

        @Override
        public synchronized void line(String text) {
            partialShown = false; // what was shown of a stream stays; the stream continues below
            reader.printAbove(text);
        }

        @Override
        public synchronized void stream(String key, String prefix, String piece) {
            if (!key.equals(open)) {
                finish();
                open = key;
                partial = new StringBuilder(prefix);
                partialShown = false;
            }
            int width = Math.max(20, reader.getTerminal().getWidth() - 1);
            partial.append(piece);
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0 || visible(partial) > width) {
                int cut = nl >= 0 && visible(partial.substring(0, nl)) <= width ? nl : cutAt(partial, width);
                show(partial.substring(0, cut));
                partialShown = false;
                partial.delete(0, nl == cut ? cut + 1 : cut);
            }
            show(partial.toString());
            partialShown = true;
        }

        @Override
        public synchronized void endStream(String key) {
            if (key.equals(open)) {
                finish();
            }
        }

        private void finish() {
            open = null;
            partial = new StringBuilder();
            partialShown = false;
        }

        private void show(String text) {
            reader.printAbove(partialShown ? "\u001B[1A\u001B[2K\r" + text : text);
        }

        private static int visible(CharSequence s) {
            return AttributedString.fromAnsi(s.toString()).columnLength();
        }

        private static int cutAt(CharSequence s, int width) {
            int cut = Math.min(s.length(), width);
            while (cut > 1 && visible(s.subSequence(0, cut)) > width) {
                cut--;
            }
            return cut;
        }
    }
}
