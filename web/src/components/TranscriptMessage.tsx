import type { ContentBlock, SessionMessage } from "../lib/ws/generated";
import { Markdown } from "./Markdown";

/** A tool's input or output is shown open only when it is short; longer ones start folded. */
const OPEN_BELOW_CHARS = 240;

function ToolBlock({ block }: { block: ContentBlock }): React.JSX.Element {
  const text = block.text ?? "";
  const failed = block.type === "tool_result" && block.is_error === true;
  const kind = block.type === "tool_use" ? "Tool call" : failed ? "Tool error" : "Tool result";
  return (
    <details className="tool-block" data-kind={block.type} data-error={failed ? "true" : undefined} open={failed || text.length < OPEN_BELOW_CHARS}>
      <summary>
        <span className={failed ? "tool-error" : "muted"}>{kind}</span>
        {block.tool_name ? <span className="mono"> {block.tool_name}</span> : null}
        {text === "" ? <span className="muted"> (empty)</span> : null}
      </summary>
      {text !== "" ? <pre className="tool-text mono">{text}</pre> : null}
    </details>
  );
}

function Block({ block }: { block: ContentBlock }): React.JSX.Element | null {
  switch (block.type) {
    case "text":
      return block.text ? <Markdown text={block.text} /> : null;
    case "thinking":
      return (
        <details className="tool-block" data-kind="thinking">
          <summary className="muted">Thinking</summary>
          <div className="tool-text">{block.text ?? ""}</div>
        </details>
      );
    case "tool_use":
    case "tool_result":
      return <ToolBlock block={block} />;
    default:
      // A block type this dashboard does not know yet: shown as what it is, with its text.
      return (
        <div className="muted">
          [{block.type}]{block.text ? ` ${block.text}` : ""}
        </div>
      );
  }
}

/**
 * One transcript message: text as Markdown (never as HTML), tool calls and results as folds
 * that start open when short, and a failed tool result marked and open.
 */
export function TranscriptMessage({ message }: { message: SessionMessage }): React.JSX.Element {
  const failed = message.content.some((b) => b.type === "tool_result" && b.is_error === true);
  return (
    <article className="message" data-role={message.role} data-index={message.index} data-error={failed ? "true" : undefined}>
      <div className="meta">
        #{message.index} · {message.role}
        {message.tool_name ? ` · ${message.tool_name}` : ""}
        {failed ? <span className="tool-error"> · error</span> : null}
      </div>
      {message.content.map((block, i) => (
        <Block key={i} block={block} />
      ))}
    </article>
  );
}
