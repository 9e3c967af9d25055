import { z } from "zod";

/** The error body every API route answers with (`{"error":{"code","message"}}`). */
const apiErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string().min(1) }) });

export type ApiError = z.infer<typeof apiErrorBody>["error"];

/** The API's error from a failed response, or null when the body is not one (e.g. an HTML error page). */
export async function readApiError(res: Response): Promise<ApiError | null> {
  try {
    const parsed = apiErrorBody.safeParse(await res.json());
    return parsed.success ? parsed.data.error : null;
  } catch {
    return null;
  }
}
