export function App(): React.JSX.Element {
  return <div className="app">Tidewire</div>;
}
