// Error text for the output channel and notifications: server errors arrive as ResponseError objects,
// and a thrown value is not always an Error.

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  if (typeof error === "object" && error !== null && "message" in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}
