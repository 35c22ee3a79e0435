"""Every GraphQL query the collector sends, in one place.

`tests/collect/github/test_queries.py` validates each string of `ALL_QUERIES` against
GitHub's public schema, so a typo or a removed field fails CI, not a user's run.

Design: every query asks for ``rateLimit { cost }`` so the run can report the points it
spent; page sizes are variables (`$first`) so a timeout can halve them; nested
connections take 100 per page and are paginated per object (`node(id:)` queries)
only when one object has more. Only the fields the domain records need are asked
for: no titles, no names, and issue bodies only for labels whose body is parsed.
"""

from __future__ import annotations

_PAGE = """
fragment PageFields on PageInfo { hasNextPage endCursor }
"""

_ACTOR = """
fragment ActorFields on Actor { __typename login }
"""

_REVIEW = """
fragment ReviewFields on PullRequestReview {
  state
  submittedAt
  author { ...ActorFields }
}
"""

_PR_COMMIT = """
fragment CommitFields on PullRequestCommit { commit { oid authoredDate } }
"""

_PULL_REQUEST = (
    """
fragment PullRequestFields on PullRequest {
  id
  number
  isDraft
  createdAt
  updatedAt
  mergedAt
  additions
  deletions
  baseRefName
  headRefName
  author { ...ActorFields }
  mergeCommit { oid }
  labels(first: 50) { nodes { name } }
  closingIssuesReferences(first: 50) { nodes { number } }
  timelineItems(itemTypes: [READY_FOR_REVIEW_EVENT, CONVERT_TO_DRAFT_EVENT], first: 1) {
    nodes {
      __typename
      ... on ReadyForReviewEvent { createdAt }
      ... on ConvertToDraftEvent { createdAt }
    }
  }
  reviews(first: 100) { pageInfo { ...PageFields } nodes { ...ReviewFields } }
  commits(first: 100) { pageInfo { ...PageFields } nodes { ...CommitFields } }
}
"""
    + _ACTOR
    + _REVIEW
    + _PR_COMMIT
)

_DEPLOYMENT = """
fragment DeploymentFields on Deployment {
  id
  databaseId
  commitOid
  environment
  createdAt
  statuses(first: 100) { pageInfo { ...PageFields } nodes { state createdAt } }
}
"""

_RELEASE = """
fragment ReleaseFields on Release {
  tagName
  isDraft
  isPrerelease
  createdAt
  publishedAt
  tagCommit { oid }
}
"""

_ISSUE = """
fragment IssueFields on Issue {
  number
  createdAt
  updatedAt
  closedAt
  body
  author { ...ActorFields }
  labels(first: 50) { nodes { name } }
}
"""

_HISTORY = """
fragment HistoryFields on CommitHistoryConnection {
  pageInfo { ...PageFields }
  nodes { author { email user { login } } }
}
"""

REPOSITORY_HEAD = (
    """
query RepositoryHead(
  $owner: String!, $name: String!, $first: Int!,
  $historySince: GitTimestamp, $historyUntil: GitTimestamp,
  $labels: [String!], $issuesSince: DateTime, $withIssues: Boolean!
) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    defaultBranchRef {
      name
      target {
        __typename
        ... on Commit {
          history(first: $first, since: $historySince, until: $historyUntil) { ...HistoryFields }
        }
      }
    }
    releases(first: $first, orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { ...PageFields }
      nodes { ...ReleaseFields }
    }
    deployments(first: $first, orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { ...PageFields }
      nodes { ...DeploymentFields }
    }
    issues(
      first: $first, labels: $labels, filterBy: {since: $issuesSince},
      orderBy: {field: UPDATED_AT, direction: DESC}
    ) @include(if: $withIssues) {
      pageInfo { ...PageFields }
      nodes { ...IssueFields }
    }
  }
}
"""
    + _PAGE
    + _ACTOR
    + _HISTORY
    + _RELEASE
    + _DEPLOYMENT
    + _ISSUE
)
"""The first page of every small source in one request: default branch (and its
history in the window), releases, deployments and labelled issues. A second run
with no changes costs this one request plus the pull-request page."""

PULL_REQUESTS = (
    """
query PullRequests($owner: String!, $name: String!, $base: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    pullRequests(
      baseRefName: $base, first: $first, after: $after,
      orderBy: {field: UPDATED_AT, direction: DESC}
    ) {
      pageInfo { ...PageFields }
      nodes { ...PullRequestFields }
    }
  }
}
"""
    + _PAGE
    + _PULL_REQUEST
)

PULL_REQUEST_REVIEWS = (
    """
query PullRequestReviews($id: ID!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  node(id: $id) {
    ... on PullRequest {
      reviews(first: $first, after: $after) { pageInfo { ...PageFields } nodes { ...ReviewFields } }
    }
  }
}
"""
    + _PAGE
    + _ACTOR
    + _REVIEW
)

PULL_REQUEST_COMMITS = (
    """
query PullRequestCommits($id: ID!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  node(id: $id) {
    ... on PullRequest {
      commits(first: $first, after: $after) { pageInfo { ...PageFields } nodes { ...CommitFields } }
    }
  }
}
"""
    + _PAGE
    + _PR_COMMIT
)

DEPLOYMENT_STATUSES = (
    """
query DeploymentStatuses($id: ID!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  node(id: $id) {
    ... on Deployment {
      statuses(first: $first, after: $after) {
        pageInfo { ...PageFields }
        nodes { state createdAt }
      }
    }
  }
}
"""
    + _PAGE
)

DEPLOYMENTS = (
    """
query Deployments($owner: String!, $name: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    deployments(first: $first, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { ...PageFields }
      nodes { ...DeploymentFields }
    }
  }
}
"""
    + _PAGE
    + _DEPLOYMENT
)

RELEASES = (
    """
query Releases($owner: String!, $name: String!, $first: Int!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    releases(first: $first, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
      pageInfo { ...PageFields }
      nodes { ...ReleaseFields }
    }
  }
}
"""
    + _PAGE
    + _RELEASE
)

ISSUES = (
    """
query LabelledIssues(
  $owner: String!, $name: String!, $labels: [String!], $since: DateTime,
  $first: Int!, $after: String
) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    issues(
      first: $first, after: $after, labels: $labels, filterBy: {since: $since},
      orderBy: {field: UPDATED_AT, direction: DESC}
    ) {
      pageInfo { ...PageFields }
      nodes { ...IssueFields }
    }
  }
}
"""
    + _PAGE
    + _ACTOR
    + _ISSUE
)

HISTORY = (
    """
query BranchHistory(
  $owner: String!, $name: String!, $qualifiedName: String!,
  $since: GitTimestamp, $until: GitTimestamp, $first: Int!, $after: String
) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $qualifiedName) {
      target {
        __typename
        ... on Commit {
          history(first: $first, after: $after, since: $since, until: $until) { ...HistoryFields }
        }
      }
    }
  }
}
"""
    + _PAGE
    + _HISTORY
)

ALL_QUERIES: dict[str, str] = {
    "RepositoryHead": REPOSITORY_HEAD,
    "PullRequests": PULL_REQUESTS,
    "PullRequestReviews": PULL_REQUEST_REVIEWS,
    "PullRequestCommits": PULL_REQUEST_COMMITS,
    "DeploymentStatuses": DEPLOYMENT_STATUSES,
    "Deployments": DEPLOYMENTS,
    "Releases": RELEASES,
    "LabelledIssues": ISSUES,
    "BranchHistory": HISTORY,
}
