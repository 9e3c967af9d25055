import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NextRequest } from "next/server";
import { route } from "../../../lib/http/route";
import { checkStateChange } from "../../../lib/http/state-change";

function request(method: string, headers: Record<string, string>): Request {
  return new Request("http://localhost/api/rooms", { method, headers });
}

describe("checkStateChange", () => {
  it("refuses a cross-site POST or DELETE with 403 forbidden", () => {
    for (const method of ["POST", "DELETE"])
      assert.throws(
        () => checkStateChange(request(method, { "sec-fetch-site": "cross-site", "content-type": "application/json" })),
        { code: "forbidden", status: 403 },
        method,
      );
  });

  it("lets same-origin, same-site, none and an absent Sec-Fetch-Site through", () => {
    for (const site of ["same-origin", "same-site", "none", undefined]) {
      const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
      if (site) headers["sec-fetch-site"] = site;
      checkStateChange(request("POST", headers));
      checkStateChange(request("DELETE", site ? { "sec-fetch-site": site } : {}));
    }
  });

  it("requires application/json on a POST (any case, with parameters), not on a DELETE", () => {
    for (const type of [
      undefined,
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
    ])
      assert.throws(() => checkStateChange(request("POST", type ? { "content-type": type } : {})), {
        code: "bad_request",
        status: 400,
      });
    checkStateChange(request("POST", { "content-type": "Application/JSON ; charset=UTF-8" }));
    checkStateChange(request("DELETE", {}));
  });

  it("leaves reads alone, cross-site or not", () => {
    checkStateChange(request("GET", { "sec-fetch-site": "cross-site" }));
    checkStateChange(request("HEAD", { "sec-fetch-site": "cross-site" }));
  });

  it("runs in route() before the handler", async () => {
    let ran = 0;
    const handler = route(async () => {
      ran++;
      return new Response(null, { status: 204 });
    });
    const refused = await handler(
      new NextRequest("http://localhost/api/x", { method: "DELETE", headers: { "sec-fetch-site": "cross-site" } }),
    );
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), {
      error: { code: "forbidden", message: "Requests from other sites cannot change anything here." },
    });
    const noType = await handler(new NextRequest("http://localhost/api/x", { method: "POST", body: "{}" }));
    assert.equal(noType.status, 400);
    assert.equal(ran, 0);
    const ok = await handler(new NextRequest("http://localhost/api/x", { method: "DELETE" }));
    assert.equal(ok.status, 204);
    assert.equal(ran, 1);
  });
});
