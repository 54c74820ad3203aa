-- CreateTable
CREATE TABLE "console_session" (
    "id_hash" TEXT NOT NULL,
    "caller_name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "sealed_token" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "console_session_pkey" PRIMARY KEY ("id_hash")
);

-- CreateIndex
CREATE INDEX "console_session_caller_name_idx" ON "console_session"("caller_name");

-- CreateIndex
CREATE INDEX "console_session_expires_at_idx" ON "console_session"("expires_at");
