import { Link } from "react-router-dom";

export function NotFoundView(): React.JSX.Element {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <Link to="/">Back to the dashboard</Link>.
      </p>
    </section>
  );
}
