-- CreateTable
CREATE TABLE "console_session" (
    "id_hash" TEXT NOT NULL PRIMARY KEY,
    "caller_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "sealed_token" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "console_session_caller_name_idx" ON "console_session"("caller_name");

-- CreateIndex
CREATE INDEX "console_session_expires_at_idx" ON "console_session"("expires_at");
