import ReactMarkdown, { defaultUrlTransform } from "react-markdown";

/**
 * A task description as Markdown. react-markdown builds React elements from the Markdown syntax
 * tree and, without a raw-HTML plugin, never renders HTML written in the text (it shows as text),
 * so nothing in a description can run script; its default URL transform also drops
 * `javascript:` and other unsafe link targets. No `dangerouslySetInnerHTML` anywhere.
 */
export function Markdown({ text }: { text: string }): React.JSX.Element {
  return (
    <div className="markdown">
      <ReactMarkdown
        skipHtml
        urlTransform={defaultUrlTransform}
        components={{
          // Links from a description open outside the dashboard and pass no opener or referrer.
          a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
          // Headings inside the description sit below the panel's own heading.
          h1: ({ node: _node, ...props }) => <h3 {...props} />,
          h2: ({ node: _node, ...props }) => <h4 {...props} />,
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
