// A user as operators write it and as conditions read it (table user_info + user_github_star).
// Users are written with the same shape they are read with.

export interface User {
  id: string;
  name: string | null;
  githubUsername: string | null;
  email: string | null;
  phone: string | null;
  vip: number;
  org: string | null;
  githubStars: string[];
  registerTime: Date | null;
  accessTime: Date | null;
}

/** Fields an operator may send; absent ones keep their stored value (or the default). */
export type UserUpsert = { id: string } & Partial<Omit<User, 'id'>>;
