/** Who is looking, as the server rendered it into <body data-*> (dashboard pages only). */
export interface Me {
  id: string;
  email: string;
  role: string;
  accountId: string;
}

function readMe(): Me | null {
  const data = document.body.dataset;
  if (!data.userId) return null;
  return {
    id: data.userId,
    email: data.email ?? "",
    role: data.role ?? "member",
    accountId: data.accountId ?? "",
  };
}

export const me = readMe();
export const isAdmin = me?.role === "admin";
