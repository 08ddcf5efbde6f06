# One image for the control plane, the projector and the runtime simulator (the command picks the app).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.build.json

FROM node:24-bookworm-slim
WORKDIR /app
# A hosted image: organization runtime targets must be public addresses (SSRF); `npm start` keeps `any` for local simulators.
ENV NODE_ENV=production DWC_DATA_DIR=/home/node/.dwc DWC_TARGET_ADDRESS_POLICY=public
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 8080
CMD ["node", "dist/apps/control-plane/src/main.js"]
