/**
 * The socket layer's public surface. Wire types are re-exported from the
 * generated code (the only definition of them); nothing here redefines them.
 */
export { TidewireSocket, CLOSE_PING_TIMEOUT, CLOSE_HANDSHAKE_TIMEOUT, DEFAULTS as SOCKET_DEFAULTS } from "./client";
export { backoffCap, backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff";
export { RingBuffer } from "./ringBuffer";
export { SubscriptionRegistry, chunkNames, MAX_NAMES_PER_FRAME } from "./subscriptions";
export { parsePattern, matchesPattern, matchesAny, PatternError, type ParsedPattern } from "./patterns";
export type * from "./types";
export type {
  ServerFrame,
  ClientFrame,
  WelcomeFrame,
  SubscribedFrame,
  UnsubscribedFrame,
  PongFrame,
  ResumedFrame,
  ResyncFrame,
  ErrorFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  PingFrame,
  ResumeFrame,
  HookEvent,
  AgentEvent,
  AutonomousEvent,
  SessionMessageEvent,
  Task,
  Session,
  SessionMessage,
  AgentRun,
  McpServer,
  Worktree,
  Project,
  AutonomousLoop,
} from "./generated";
export { EVENT_TYPES, HIGH_VOLUME_EVENTS, isServerFrame, isClientFrame } from "./generated";
export { connectionQuality, QUALITY_GOOD_MS, QUALITY_FAIR_MS, type QualityInput } from "./quality";
