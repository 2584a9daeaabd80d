"""The tidewire.v1 conformance kit: scripted checks of a server (`server_kit`) or a client
(`client_kit`) against the rules of docs/protocol.md, reported per case (`report`)."""
